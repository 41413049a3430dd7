import { UsageError } from './app-context.js'
import { generateKeyFile, keysGenerateHelp, parseKeysGenerateArgs } from './keys.js'
import { moduleNewHelp, parseModuleNewArgs, writeModule } from './module-new.js'
import { userCommands } from './users.js'

interface Command {
  help: string
  run (args: string[]): Promise<void> | void
}

const commands: Record<string, Command> = {
  ...userCommands,
  'keys:generate': {
    help: keysGenerateHelp,
    run (args) {
      const { alg, dir } = parseKeysGenerateArgs(args)
      const { path, kid } = generateKeyFile(alg, dir)
      process.stdout.write(`wrote ${path}\nkid ${kid}\nstart with: JWT_ALGORITHM=${alg} JWT_PRIVATE_KEYS=${dir} npm start\n`)
    }
  },
  'module:new': {
    help: moduleNewHelp,
    run (args) {
      const options = parseModuleNewArgs(args)
      const written = writeModule(process.cwd(), options)
      process.stdout.write(`${written.map((path) => `wrote ${path}`).join('\n')}\nnext: npm run dev, then GET /${options.name}/; npx tap test/routes/${options.name}.test.ts\n`)
    }
  }
}

const usage = `Usage: npm run cli -- <command> [options]   (--help after a command for its options)\n\nCommands:\n${Object.keys(commands).map((name) => `  ${name}`).join('\n')}\n`

async function main (argv: string[]): Promise<number> {
  const [name, ...args] = argv
  const command = name === undefined ? undefined : commands[name]
  if (command === undefined) {
    process.stderr.write(name === undefined || name === '--help' ? usage : `unknown command ${name}\n\n${usage}`)
    return name === '--help' ? 0 : 2
  }
  if (args.includes('--help')) {
    process.stdout.write(`${command.help}\n`)
    return 0
  }
  try {
    await command.run(args)
    return 0
  } catch (error) {
    process.stderr.write(`${name}: ${error instanceof Error ? error.message : String(error)}\n`)
    return error instanceof UsageError ? 2 : 1
  }
}

process.exitCode = await main(process.argv.slice(2))

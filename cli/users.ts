import type { FastifyInstance } from 'fastify'
import { resetUserMfa } from '../services/mfa/admin-reset.js'
import { normalizeUsername } from '../services/users.js'
import { parseOptions, readPassword, required, UsageError, withApp } from './app-context.js'

interface Command { help: string, run (args: string[]): Promise<void> }

const print = (line: string) => process.stdout.write(`${line}\n`)

async function userByName (fastify: FastifyInstance, username: string) {
  const user = await fastify.store.findUserByUsername(normalizeUsername(username))
  if (user === null) throw new UsageError(`no user named ${username}`)
  return user
}

function oneUsername (args: string[], command: string): string {
  const [username, ...rest] = args
  if (username === undefined || username.startsWith('--') || rest.length > 0) throw new UsageError(`${command} takes one username`)
  return username
}

const roleList = (value: string) => value.split(',').map((role) => role.trim()).filter((role) => role !== '')

export const userCommands: Record<string, Command> = {
  'user:create': {
    help: 'Usage: npm run cli -- user:create --username <name> [--role <role,role>] [--email <email>]\n\nThe password is read from standard input (a hidden prompt on a terminal), never from an argument:\n  printf %s "$PASSWORD" | npm run cli -- user:create --username admin --role admin',
    async run (args) {
      const options = parseOptions(args, ['username', 'role', 'email'])
      const username = required(options, 'username')
      const password = await readPassword()
      await withApp(async (fastify) => {
        const user = await fastify.users.register({ username, password, email: options.email })
        const roles = roleList(options.role ?? 'user')
        if (roles.join(',') !== 'user') await fastify.store.updateUser(user.id, { roles: [...new Set(['user', ...roles])] })
        print(`created ${user.username} (${user.id}) with roles ${[...new Set(['user', ...roles])].join(',')}`)
      })
    }
  },
  'user:list': {
    help: 'Usage: npm run cli -- user:list [--prefix <text>] [--limit <n>]',
    async run (args) {
      const options = parseOptions(args, ['prefix', 'limit'])
      const limit = Number(options.limit ?? 100)
      if (!Number.isInteger(limit) || limit < 1 || limit > 10_000) throw new UsageError('--limit must be 1 to 10000')
      await withApp(async (fastify) => {
        const { users } = await fastify.accounts.listUsers({ prefix: options.prefix, limit })
        for (const user of users) print([user.id, user.username, user.roles.join(','), user.disabledAt === null ? 'active' : 'disabled', user.createdAt.toISOString()].join('\t'))
      })
    }
  },
  'user:set-roles': {
    help: 'Usage: npm run cli -- user:set-roles --username <name> --roles <role,role>   (their sessions end)',
    async run (args) {
      const options = parseOptions(args, ['username', 'roles'])
      await withApp(async (fastify) => {
        const user = await userByName(fastify, required(options, 'username'))
        const updated = await fastify.accounts.setRoles('cli', user.id, roleList(required(options, 'roles')))
        print(`${updated.username}: roles ${updated.roles.join(',')}`)
      })
    }
  },
  'user:disable': {
    help: 'Usage: npm run cli -- user:disable --username <name> [--enable true]   (disabling ends their sessions)',
    async run (args) {
      const options = parseOptions(args, ['username', 'enable'])
      await withApp(async (fastify) => {
        const user = await userByName(fastify, required(options, 'username'))
        const updated = await fastify.accounts.setDisabled('cli', user.id, options.enable !== 'true')
        print(`${updated.username}: ${updated.disabledAt === null ? 'enabled' : 'disabled'}`)
      })
    }
  },
  'user:unlock': {
    help: 'Usage: npm run cli -- user:unlock <username>   (forgets their failed logins: every client may log in again at once)',
    async run (args) {
      const [username, ...rest] = args
      if (username === undefined || username.startsWith('--') || rest.length > 0) throw new UsageError('user:unlock takes one username')
      await withApp(async (fastify) => {
        const user = await userByName(fastify, username)
        await fastify.accounts.clearLoginFailures('cli', user.id)
        print(`${user.username}: failed logins cleared`)
      })
    }
  },
  'user:mfa-reset': {
    help: 'Usage: npm run cli -- user:mfa-reset <username>   (removes their authenticator app, recovery codes and passkeys, ends their sessions; audited)',
    async run (args) {
      const username = oneUsername(args, 'user:mfa-reset')
      await withApp(async (fastify) => {
        const user = await userByName(fastify, username)
        const removed = await resetUserMfa({ store: fastify.store, factors: fastify.mfa.factors, sessions: fastify.sessions }, 'cli', user.id)
        print(`${user.username}: second factors reset (authenticator app: ${removed.totp ? 'removed' : 'none'}, recovery codes: ${removed.recoveryCodes}, passkeys: ${removed.passkeys}); sessions ended`)
      })
    }
  },
  'user:verify-email': {
    help: 'Usage: npm run cli -- user:verify-email <username>   (marks their address verified, as if they had followed the link)',
    async run (args) {
      const username = oneUsername(args, 'user:verify-email')
      await withApp(async (fastify) => {
        const user = await userByName(fastify, username)
        await fastify.accountEmail.markVerified('cli', user.id)
        print(`${user.username}: email ${user.email ?? '(none)'} verified`)
      })
    }
  },
  'user:send-reset': {
    help: 'Usage: npm run cli -- user:send-reset <username>   (mails them a password reset link and code through SMTP_URL)',
    async run (args) {
      const username = oneUsername(args, 'user:send-reset')
      await withApp(async (fastify) => {
        const user = await userByName(fastify, username)
        await fastify.accountEmail.passwordReset.sendTo(user, 'cli')
        print(`${user.username}: reset link sent to ${user.email ?? '(none)'} (a failed send is logged and audited mail_failed)`)
      })
    }
  },
  'sessions:revoke': {
    help: 'Usage: npm run cli -- sessions:revoke --username <name>   (ends every session of the user)',
    async run (args) {
      const options = parseOptions(args, ['username'])
      await withApp(async (fastify) => {
        const user = await userByName(fastify, required(options, 'username'))
        const count = (await fastify.accounts.listSessions(user.id)).length
        await fastify.sessions.endAll(user.id)
        print(`${user.username}: ${count} session(s) ended`)
      })
    }
  }
}

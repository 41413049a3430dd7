import { spawn } from 'node:child_process'
import { join } from 'node:path'
import { distDir } from '../e2e/server-process.js'

export interface CliRun { code: number | null, stdout: string, stderr: string }

/**
 * Runs the compiled CLI as `npm run cli` does (buildDist must have run), the way a user would:
 * the password, when there is one, on standard input.
 */
export function cli (args: string[], env: Record<string, string>, stdin = '', cwd = process.cwd()): Promise<CliRun> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [join(distDir(), 'cli', 'index.js'), ...args], { cwd, env: { ...process.env, LOG_LEVEL: 'error', ...env } })
    let stdout = ''
    let stderr = ''
    child.stdout.on('data', (chunk: Buffer) => { stdout += chunk.toString() })
    child.stderr.on('data', (chunk: Buffer) => { stderr += chunk.toString() })
    child.on('error', reject)
    child.on('close', (code) => resolve({ code, stdout, stderr }))
    child.stdin.end(stdin)
  })
}

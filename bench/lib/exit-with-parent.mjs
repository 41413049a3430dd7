// @ts-check
/**
 * Preloaded (`--import`) into every server the benchmark starts: when the benchmark process goes
 * away (its IPC channel closes), the server ends too, instead of lingering on its port.
 */
if (process.send !== undefined) {
  process.on('disconnect', () => process.kill(process.pid, 'SIGTERM'))
  // The channel must not keep the server alive by itself.
  process.channel?.unref()
}

/** The backend did not answer an operation within its time budget (STORAGE_TIMEOUT_MS). */
export class StorageTimeoutError extends Error {
  override name = 'StorageTimeoutError'
}

/**
 * Settles like `work`, or rejects with StorageTimeoutError once `ms` have passed, whichever comes
 * first. `onExpire` runs at expiry, before the rejection: adapters use it to abort what `work`
 * holds (a connection stuck on a silent server). A late settlement of `work` is ignored.
 */
export function withDeadline<T> (work: Promise<T>, ms: number, onExpire?: () => void): Promise<T> {
  return new Promise<T>((resolve, reject) => {
    const timer = setTimeout(() => {
      onExpire?.()
      reject(new StorageTimeoutError(`storage did not answer within ${ms} ms`))
    }, ms)
    work.then(
      (value) => { clearTimeout(timer); resolve(value) },
      (error: unknown) => { clearTimeout(timer); reject(error) }
    )
  })
}

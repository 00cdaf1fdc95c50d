/**
 * An in-memory Web Locks `LockManager` (exclusive locks only), following the spec's rules that the
 * frame election relies on (https://w3c.github.io/web-locks/):
 * - requests for a name are granted one at a time, in the order they were made; the callback runs
 *   asynchronously, and the lock is held until the promise it returned settles, which settles the
 *   request's promise with it;
 * - `signal`: aborting a request still waiting removes it and rejects it with an AbortError;
 *   aborting a granted one does nothing;
 * - `steal: true`: the holder loses the lock at once (its request's promise rejects with an
 *   AbortError, whatever its callback does later) and the stealer is granted ahead of the queue.
 * Several managers may share one `LockRegistry` (the browser's locks of one storage partition).
 */

interface LockRequest {
  name: string
  callback: (lock: Lock | null) => unknown
  resolve: (value: unknown) => void
  reject: (reason: unknown) => void
  stolen: boolean
}

const abortError = (): DOMException => new DOMException('The lock request was aborted.', 'AbortError')

export class LockRegistry {
  readonly held = new Map<string, LockRequest>()
  readonly queues = new Map<string, LockRequest[]>()
  /** Every grant, in order (the `name` and the grantee's `tag`). */
  readonly grants: string[] = []

  holderTag(name: string): string | undefined {
    return (this.held.get(name) as LockRequest & { tag?: string } | undefined)?.tag
  }

  waiting(name: string): number {
    return this.queues.get(name)?.length ?? 0
  }

  request(tag: string, name: string, options: LockOptions, callback: (lock: Lock | null) => unknown): Promise<unknown> {
    return new Promise((resolve, reject) => {
      if (options.signal?.aborted) {
        reject(abortError())
        return
      }
      const request: LockRequest & { tag: string } = { name, callback, resolve, reject, stolen: false, tag }
      if (options.steal) {
        const holder = this.held.get(name)
        if (holder) {
          holder.stolen = true
          this.held.delete(name)
          holder.reject(abortError())
        }
        this.grant(request)
        return
      }
      const queue = this.queues.get(name) ?? []
      this.queues.set(name, queue)
      queue.push(request)
      options.signal?.addEventListener('abort', () => {
        const at = queue.indexOf(request)
        if (at < 0)
          return
        queue.splice(at, 1)
        reject(abortError())
      })
      this.next(name)
    })
  }

  private next(name: string): void {
    if (this.held.has(name))
      return
    const request = this.queues.get(name)?.shift()
    if (request)
      this.grant(request)
  }

  private grant(request: LockRequest & { tag?: string }): void {
    this.held.set(request.name, request)
    this.grants.push(`${request.name}:${request.tag}`)
    queueMicrotask(() => {
      Promise.resolve()
        .then(() => request.callback({ name: request.name, mode: 'exclusive' }))
        .then(
          value => this.settle(request, () => request.resolve(value)),
          error => this.settle(request, () => request.reject(error)),
        )
    })
  }

  private settle(request: LockRequest, done: () => void): void {
    if (request.stolen)
      return
    if (this.held.get(request.name) === request) {
      this.held.delete(request.name)
      this.next(request.name)
    }
    done()
  }

  /** The `LockManager` of one frame. */
  manager(tag: string): LockManager {
    return {
      request: ((name: string, optionsOrCallback: LockOptions | ((lock: Lock | null) => unknown), maybeCallback?: (lock: Lock | null) => unknown) => {
        const options = typeof optionsOrCallback === 'function' ? {} : optionsOrCallback
        const callback = typeof optionsOrCallback === 'function' ? optionsOrCallback : maybeCallback!
        return this.request(tag, name, options, callback)
      }) as LockManager['request'],
      query: async () => ({
        held: [...this.held.values()].map(r => ({ name: r.name, mode: 'exclusive' as const, clientId: tag })),
        pending: [...this.queues.values()].flat().map(r => ({ name: r.name, mode: 'exclusive' as const, clientId: tag })),
      }),
    }
  }
}

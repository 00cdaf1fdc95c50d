/**
 * The bench's probe on the wire to HubSpot, in bench builds only (`VITE_BENCH_PROBE=1`, set by
 * `BENCH_PROBE=1 node bench/run.mjs --calls`; absent from `npm run build`'s bundle). After each
 * message the SDK posts to HubSpot it calls `window.__benchProbe(type)` if the bench defined it,
 * so the bench can split "SIP message → HubSpot hears it" at the widget's `postMessage`: the
 * widget's own part and the delivery to (and dispatch in) HubSpot's page.
 */
export function probeSends<M extends { type: string }, R extends unknown[]>(manager: { sendMessage: (message: M, ...rest: R) => void } | undefined): void {
  if (!manager)
    return
  const send = manager.sendMessage
  manager.sendMessage = function (this: unknown, message: M, ...rest: R): void {
    send.call(this, message, ...rest)
    ;(globalThis as { __benchProbe?: (type: string) => void }).__benchProbe?.(message.type)
  }
}

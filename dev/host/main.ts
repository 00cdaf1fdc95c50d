/**
 * HubSpot host simulator: plays HubSpot's side of the calling extension with
 * the SDK's own host code, embeds the softphone in a cross-origin iframe and
 * shows every message both ways. See dev/host/README.md.
 */
import { CALLERS, createCaller, type CallerExtension } from './caller'
import { FREE_TEXT_CONTACT_ID, PORTAL, TEST_CONTACTS, callerIdMatchesFor, contactForNumber, dialNumberPayload, recordExists } from './contacts'
import { createBackend } from './backend'
import type { HostControls, HostLogEntry } from './hooks'
import { CALLING_WINDOW_NAME, HOST_CHANNEL_NAME, anotherTabUrl, callingWindowUrl, parseHostChannelMessage, type HostChannelMessage } from './hostChannel'
import { SETTINGS_KEY, SETTING_NAMES, dialTarget, effectiveSettings, frameLayout, frameRuleNote, parseStoredSettings, refusalReason, routeDial, type CallingSettings } from './layout'
import { SimulatedHubSpot, type HostMessage } from './SimulatedHubSpot'
import { widgetUrl } from './widgetUrl'

const WIDGET_WIDTH = '400'
const WIDGET_HEIGHT = '600'
const END_STATUSES = ['COMPLETED', 'FAILED', 'CANCELED', 'BUSY', 'NO_ANSWER', 'REJECTED', 'MISSED']

type UnknownRecord = Record<string, unknown>
const isRecord = (value: unknown): value is UnknownRecord =>
  typeof value === 'object' && value !== null && !Array.isArray(value)

function element<T extends HTMLElement>(selector: string, type: { new (): T, prototype: T }): T {
  const found = document.querySelector(selector)
  if (!(found instanceof type)) throw new Error(`host simulator: ${selector} is missing`)
  return found
}

const ui = {
  status: element('#status', HTMLElement),
  alert: element('#alert', HTMLElement),
  contacts: element('#contacts', HTMLElement),
  dialForm: element('#dial-form', HTMLFormElement),
  dialNumber: element('#dial-number', HTMLInputElement),
  endCall: element('#end-call', HTMLButtonElement),
  failCreate: element('#fail-create', HTMLInputElement),
  failUpdate: element('#fail-update', HTMLInputElement),
  minimized: element('#minimized', HTMLInputElement),
  hidden: element('#hidden', HTMLInputElement),
  replyDelay: element('#reply-delay', HTMLInputElement),
  createDelay: element('#create-delay', HTMLInputElement),
  reload: element('#reload', HTMLButtonElement),
  widgetUrl: element('#widget-url', HTMLAnchorElement),
  widgetContainer: element('#widget-container', HTMLElement),
  timeline: element('#timeline', HTMLElement),
  clearLog: element('#clear-log', HTMLButtonElement),
  callerForm: element('#caller-form', HTMLFormElement),
  callerFrom: element('#caller-from', HTMLSelectElement),
  callerTo: element('#caller-to', HTMLInputElement),
  callerHangup: element('#caller-hangup', HTMLButtonElement),
  callerState: element('#caller-state', HTMLElement),
  settingsNote: element('#settings-note', HTMLElement),
  openTab: element('#open-tab', HTMLButtonElement),
  openWindow: element('#open-window', HTMLButtonElement),
  closeWindow: element('#close-window', HTMLButtonElement),
  windowState: element('#window-state', HTMLElement),
}

const pageUrl = new URL(window.location.href)
const src = widgetUrl(pageUrl.href)
const widgetOrigin = src.origin
const debug = ['1', 'true'].includes(pageUrl.searchParams.get('debug') ?? '')

// ---------------------------------------------------------------- where this page's frame is

/** HubSpot's calling settings as the switches left them (the host origin's localStorage, shared by every tab). */
function readStoredSettings(): CallingSettings {
  try {
    return parseStoredSettings(localStorage.getItem(SETTINGS_KEY))
  } catch {
    return parseStoredSettings(null)
  }
}
function storeSettings(next: Partial<CallingSettings>): CallingSettings {
  const merged = { ...readStoredSettings(), ...next }
  try {
    localStorage.setItem(SETTINGS_KEY, JSON.stringify(merged))
  } catch {
    // A browser that blocks all site data: the switches last as long as this page.
  }
  return merged
}
/** What this page's frame was loaded with: the stored switches, `?usesRemote=0` … laid over them. */
const { settings, overridden } = effectiveSettings(readStoredSettings(), pageUrl.searchParams)
/** `?iframeLocation=` pins the frame (the stand-alone page of before); `?frame=window` is HubSpot's calling window; else a tab. */
const layout = frameLayout(settings, pageUrl.searchParams)
const iframeLocation = layout.iframeLocation
/** `?dialTo=tab|window`: which frame gets a tab's dial when the calling window is used (default tab; README). */
const dialTo = dialTarget(pageUrl.searchParams)
const PAGE_NAMES = { widget: 'the record-page widget', remote: 'the calling remote', window: 'HubSpot\'s calling window' } as const
const pageTitle = layout.page === 'window' ? 'HubSpot calling window' : 'HubSpot tab'
document.title = `${pageTitle} — HubSpot host simulator`
document.body.classList.toggle('calling-window', layout.page === 'window')
/** `?holdSync=1`: HubSpot is slow to load: no SYNC until `__host.releaseSync()` (the SDK host gives up after 30 s). */
let syncHeld = ['1', 'true'].includes(pageUrl.searchParams.get('holdSync') ?? '')

const state = {
  widget: 'loading',
  call: '',
  failCreate: false,
  failUpdate: false,
  replyDelayMs: 200,
  /** How long HubSpot takes to answer OUTGOING_CALL_STARTED / INCOMING_CALL with the engagement (its API round trip). */
  createDelayMs: 200,
}

// One HubSpot backend for every tab and the calling window (engagement ids unique across them).
const backend = createBackend()
/** The last availability this page's frame told HubSpot (for the caller line's reading of a 480). */
let agentUnavailable = false
/** What this page knows of HubSpot's calling window (told over the host channel). */
const callingWindow = { open: layout.page === 'window', announced: layout.page === 'window' }
/** A tab's dials for the calling window, waiting for its page to announce itself (`dialTo=window`). */
const pendingWindowDials: string[] = []
/** In the calling window: dials from tabs waiting for its frame's SYNC. */
const queuedDials: string[] = []

// ---------------------------------------------------------------- timeline

const hostLog: HostLogEntry[] = []
window.__hostLog = hostLog
const rows = new WeakMap<HostLogEntry, HTMLElement>()

function formatTime(at: number): string {
  const d = new Date(at)
  const pad = (n: number, width = 2): string => String(n).padStart(width, '0')
  return `${pad(d.getHours())}:${pad(d.getMinutes())}:${pad(d.getSeconds())}.${pad(d.getMilliseconds(), 3)}`
}

function renderRow(entry: HostLogEntry): HTMLElement {
  const li = rows.get(entry) ?? document.createElement('li')
  li.replaceChildren()
  const time = document.createElement('time')
  time.dateTime = new Date(entry.at).toISOString()
  time.textContent = formatTime(entry.at)
  const dir = document.createElement('span')
  dir.className = `dir-${entry.dir}`
  dir.textContent = entry.dir === 'in' ? '← widget' : '→ widget'
  const type = document.createElement('span')
  type.className = 'type'
  type.textContent = entry.count && entry.count > 1 ? `${entry.type} ×${entry.count}` : entry.type
  li.append(time, dir, type)
  if (entry.note) {
    const note = document.createElement('span')
    note.className = 'note'
    note.textContent = `⚠ ${entry.note}`
    li.append(note)
  }
  if (entry.data !== undefined) {
    const pre = document.createElement('pre')
    pre.textContent = JSON.stringify(entry.data)
    li.append(pre)
  }
  rows.set(entry, li)
  return li
}

function record(entry: HostLogEntry): void {
  const last = hostLog.at(-1)
  // The host SYNCs every 100 ms until the widget's SDK answers: fold the retries.
  if (entry.type === 'SYNC' && entry.dir === 'out' && last?.type === 'SYNC' && last.dir === 'out') {
    last.count = (last.count ?? 1) + 1
    renderRow(last)
    render()
    return
  }
  hostLog.push(entry)
  const atBottom = ui.timeline.scrollTop + ui.timeline.clientHeight >= ui.timeline.scrollHeight - 4
  ui.timeline.append(renderRow(entry))
  if (atBottom) ui.timeline.scrollTop = ui.timeline.scrollHeight
}

/** What the simulator can tell an integrator about a message from the widget. */
function checkIncoming(type: string, data: unknown): string | undefined {
  const d = isRecord(data) ? data : {}
  const missing = (fields: Array<[string, string]>): string[] =>
    fields.filter(([key, kind]) => typeof d[key] !== kind).map(([key, kind]) => `${key} (${kind})`)
  let problems: string[] = []
  switch (type) {
    case 'INITIALIZED':
      problems = missing([['isLoggedIn', 'boolean']])
      break
    case 'OUTGOING_CALL_STARTED':
      problems = missing([['externalCallId', 'string'], ['toNumber', 'string'], ['fromNumber', 'string'], ['callStartTime', 'number']])
      if (d.createEngagement !== true) problems.push('createEngagement: true (else HubSpot creates no engagement)')
      break
    case 'CALL_ANSWERED':
    case 'CALL_TRANSFERRED':
      problems = missing([['externalCallId', 'string']])
      break
    case 'INCOMING_CALL':
      problems = missing([['externalCallId', 'string'], ['toNumber', 'string'], ['fromNumber', 'string'], ['callStartTime', 'number']])
      if (d.createEngagement !== true) problems.push('createEngagement: true (else HubSpot creates no engagement)')
      break
    case 'NAVIGATE_TO_RECORD':
      if (!isRecord(d.objectCoordinates)) problems = ['objectCoordinates (object)']
      break
    case 'CALL_ENDED':
      problems = missing([['externalCallId', 'string'], ['externalCallID', 'string']])
      if (!END_STATUSES.includes(String(d.callEndStatus))) problems.push(`callEndStatus (one of ${END_STATUSES.join(', ')})`)
      break
    case 'CALL_COMPLETED':
      problems = missing([['externalCallId', 'string'], ['hideWidget', 'boolean']])
      if (!isRecord(d.engagementProperties)) problems.push('engagementProperties (object; without it HubSpot does not update the engagement)')
      break
    case 'RESIZE_WIDGET':
      problems = missing([['width', 'number'], ['height', 'number']])
      break
    case 'ERROR':
      if (typeof d.message !== 'string' && d.type !== 'UNKNOWN_MESSAGE_TYPE') problems = ['message (string)']
      break
  }
  const notes = problems.length > 0 ? [`missing or mistyped: ${problems.join('; ')}`] : []
  const rule = frameRuleNote(type, layout, settings, callingWindow.open)
  if (rule) notes.push(rule)
  return notes.length > 0 ? notes.join(' · ') : undefined
}

// ---------------------------------------------------------------- status

function render(): void {
  const sync = [...hostLog].reverse().find(e => e.type === 'SYNC' && e.dir === 'out')
  const syncs = sync?.count && state.widget === 'syncing' ? ` (SYNC ×${sync.count})` : ''
  ui.status.textContent = `${pageTitle} · ${PAGE_NAMES[iframeLocation]} · Widget: ${state.widget}${syncs}${state.call ? ` · Call: ${state.call}` : ''}`
  const ready = host.isReady
  for (const control of document.querySelectorAll<HTMLButtonElement | HTMLInputElement>('.needs-sync')) {
    control.disabled = !ready
  }
}

function setWidget(text: string): void {
  state.widget = text
  render()
}

function setCall(text: string): void {
  state.call = text
  render()
}

function showAlert(text: string | null): void {
  ui.alert.hidden = text === null
  ui.alert.textContent = text ?? ''
}

// ---------------------------------------------------------------- HubSpot behaviour

function later(action: () => void, delayMs = state.replyDelayMs): void {
  window.setTimeout(action, delayMs)
}

function answerOutgoingCall(data: UnknownRecord): void {
  const externalCallId = typeof data.externalCallId === 'string' ? data.externalCallId : undefined
  if (data.createEngagement !== true) return // HubSpot only creates an engagement when asked to.
  if (state.failCreate) {
    later(() => host.post('CREATE_ENGAGEMENT_FAILED', { message: 'Simulated: HubSpot could not create the engagement.', externalCallId }), state.createDelayMs)
    return
  }
  // The id is taken at once (unique across every tab and the calling window); the answer waits for the API's round trip.
  const delay = new Promise<void>(resolve => later(resolve, state.createDelayMs))
  void Promise.all([backend.createEngagement(externalCallId ?? ''), delay]).then(([engagementId]) => {
    host.post('CREATE_ENGAGEMENT_SUCCEEDED', { engagementId, externalCallId })
  })
}

function answerCallCompleted(data: UnknownRecord): void {
  if (!isRecord(data.engagementProperties)) return // Nothing to update.
  const engagementId = data.engagementId
  if (state.failUpdate) {
    later(() => host.post('UPDATE_ENGAGEMENT_FAILED', { engagementId, message: 'Simulated: HubSpot could not update the engagement.' }))
  } else if (typeof engagementId !== 'number' || !backend.has(engagementId)) {
    later(() => host.post('UPDATE_ENGAGEMENT_FAILED', { engagementId, message: `Unknown engagementId ${String(engagementId)}.` }))
  } else {
    later(() => host.post('UPDATE_ENGAGEMENT_SUCCEEDED', { engagementId }))
  }
}

/** HubSpot looks up the inbound caller's number and answers with the matching records. */
function answerCallerId(data: UnknownRecord): void {
  const matches = typeof data.fromNumber === 'string' ? callerIdMatchesFor(data.fromNumber) : []
  if (matches.length > 0) later(() => host.post('CALLER_ID_MATCH_SUCCEEDED', { callerIdMatches: matches }))
  else later(() => host.post('CALLER_ID_MATCH_FAILED', { message: `No record has the number ${String(data.fromNumber)}.` }))
}

/** HubSpot would open the record page; here the status line says which, or it fails for unknown records. */
function answerNavigate(data: UnknownRecord): void {
  const coordinates = isRecord(data.objectCoordinates) ? data.objectCoordinates : {}
  const { objectId, objectTypeId } = coordinates
  if (typeof objectId === 'number' && (objectTypeId === '0-1' || objectTypeId === '0-2') && recordExists(objectTypeId, objectId)) {
    setCall(`HubSpot opens ${objectTypeId === '0-1' ? 'contact' : 'company'} record ${objectId}`)
  } else {
    later(() => host.post('NAVIGATE_TO_RECORD_FAILED', { ...data, message: `No record ${String(objectTypeId)}/${String(objectId)}.` }))
  }
}

/** Messages that passed the SDK's checks (origin, messageId), plus READY / SYNC_ACK_FAILED from the SDK itself. */
function onWidgetMessage(message: unknown): void {
  if (!isRecord(message) || typeof message.type !== 'string') return
  const data = isRecord(message.data) ? message.data : {}
  switch (message.type) {
    case 'READY':
      setWidget('synced, waiting for INITIALIZED')
      if (layout.page === 'window' && !layout.pinned) {
        postHost({ kind: 'window-hello', synced: true })
        for (const phoneNumber of queuedDials.splice(0)) dialOwnFrame(phoneNumber)
      }
      break
    case 'SYNC_ACK_FAILED':
      setWidget('no SYNC_ACK after 30 s: the widget never created its CallingExtensions')
      break
    case 'INITIALIZED':
      setWidget(data.isLoggedIn === true ? 'initialized, logged in' : 'initialized, logged out')
      break
    case 'LOGGED_IN':
      setWidget('logged in')
      break
    case 'LOGGED_OUT':
      setWidget('logged out')
      break
    case 'OUTGOING_CALL_STARTED':
      showAlert(null)
      setCall(`started to ${String(data.toNumber)}`)
      answerOutgoingCall(data)
      break
    case 'CALL_ANSWERED':
      setCall('answered')
      break
    case 'INCOMING_CALL':
      showAlert(null)
      setCall(`incoming from ${String(data.fromNumber)}`)
      answerOutgoingCall(data)
      answerCallerId(data)
      break
    case 'NAVIGATE_TO_RECORD':
      answerNavigate(data)
      break
    case 'USER_AVAILABLE':
      agentUnavailable = false
      setWidget('agent available')
      break
    case 'USER_UNAVAILABLE':
      agentUnavailable = true
      setWidget('agent unavailable (do not disturb)')
      break
    case 'CALL_TRANSFERRED':
      setCall('transferred')
      break
    case 'CALL_ENDED':
      setCall(`ended (${String(data.callEndStatus)})`)
      break
    case 'CALL_COMPLETED':
      setCall(data.hideWidget === true ? 'completed (HubSpot would close the widget now)' : 'completed')
      answerCallCompleted(data)
      break
    case 'RESIZE_WIDGET':
      if (typeof data.width === 'number' && typeof data.height === 'number') {
        host.updateIFrameSize({ width: data.width, height: data.height })
      }
      break
    case 'ERROR':
      // HubSpot shows the message in an alert.
      showAlert(`HubSpot shows: ${typeof data.message === 'string' ? data.message : JSON.stringify(data)}`)
      break
  }
}

// Registered before the SDK's own listener, so each message is logged before
// the host's answer to it. This sees the raw wire, including SYNC_ACK and
// messages the SDK ignores (noted).
window.addEventListener('message', (event: MessageEvent<unknown>) => {
  if (!host.iFrame || event.source !== host.iFrame.contentWindow) return
  const message = event.data
  if (!isRecord(message) || typeof message.type !== 'string') {
    record({ dir: 'in', type: '(not an SDK message)', data: message, at: Date.now(), note: 'ignored by the SDK' })
    return
  }
  const { type, data, messageId: _messageId, ...rest } = message
  const note = event.origin !== widgetOrigin
    ? `ignored by the SDK: origin ${event.origin} is not ${widgetOrigin}`
    : checkIncoming(type, data)
  record({ dir: 'in', type, data: 'data' in message ? data : rest, at: Date.now(), ...(note ? { note } : {}) })
})

const host: SimulatedHubSpot = new SimulatedHubSpot(
  {
    iFrameOptions: { src: src.href, width: WIDGET_WIDTH, height: WIDGET_HEIGHT, hostElementSelector: '#widget-container' },
    debugMode: debug,
    onMessageHandler: onWidgetMessage,
  },
  {
    syncInfo: { ...PORTAL, iframeLocation, usesCallingWindow: layout.usesCallingWindow },
    holdSync: () => syncHeld,
    onSent: (message: HostMessage) => {
      const { type, data, messageId: _messageId, ...rest } = message
      record({ dir: 'out', type, data: type === 'SYNC' ? rest : data, at: Date.now() })
    },
  },
)

const iframe = host.iFrame
if (!iframe) throw new Error('host simulator: the SDK did not create the iframe')
iframe.title = 'Softphone call widget'
// Each load (first one, reloads, widget navigations) makes the SDK SYNC again.
iframe.addEventListener('load', () => {
  setWidget('syncing')
})
if (!iframe.allow.includes('microphone')) {
  showAlert(`The SDK did not set allow="microphone" on the iframe (allow="${iframe.allow}"): getUserMedia will fail.`)
}
ui.widgetUrl.href = src.href
ui.widgetUrl.textContent = `${src.href} (allow="${iframe.allow}")`

// ---------------------------------------------------------------- controls

/** DIAL_NUMBER to this page's own frame; false until it answered SYNC. */
function dialOwnFrame(phoneNumber: string): boolean {
  const contact = contactForNumber(phoneNumber)
  const sent = host.post('DIAL_NUMBER', dialNumberPayload(phoneNumber, contact?.contactId ?? FREE_TEXT_CONTACT_ID, Date.now()))
  if (sent) setCall(`dial request for ${phoneNumber}`)
  return sent
}

/**
 * A call started on this page ("Call <name>", Dial). In a tab of an app with a calling window, HubSpot
 * opens the window when none is open; the dial goes to the tab's own frame (`dialTo=tab`, the default)
 * or to the window's (`dialTo=window`), see dev/host/README.md. True when sent or handed to the window.
 */
function dial(phoneNumber: string): boolean {
  if (layout.page === 'tab' && layout.usesWindow && !callingWindow.open) openCallingWindow()
  if (routeDial(layout, dialTo) === 'window') {
    pendingWindowDials.push(phoneNumber)
    flushWindowDials()
    setCall(`dial request for ${phoneNumber} handed to the calling window`)
    return true
  }
  return dialOwnFrame(phoneNumber)
}

// ---------------------------------------------------------- tabs and the calling window

const channel = typeof BroadcastChannel === 'function' ? new BroadcastChannel(HOST_CHANNEL_NAME) : undefined
const postHost = (message: HostChannelMessage): void => channel?.postMessage(message)

function flushWindowDials(): void {
  if (!callingWindow.announced) return
  for (const phoneNumber of pendingWindowDials.splice(0)) postHost({ kind: 'dial', phoneNumber })
}

function renderWindowState(): void {
  const inWindow = layout.page === 'window'
  ui.openWindow.hidden = inWindow || layout.pinned
  ui.openTab.hidden = inWindow
  ui.closeWindow.hidden = !inWindow
  ui.windowState.textContent = inWindow
    ? 'This is HubSpot\'s calling window: it holds the call while the tabs navigate.'
    : layout.pinned
      ? 'A stand-alone page (?iframeLocation= pins its frame): no calling window.'
      : `Calling window: ${callingWindow.open ? 'open' : 'closed'}${layout.usesWindow ? '' : ' (usesCallingWindow is off for this tab)'}`
}

/** Opens HubSpot's calling window (one, by its window name). False when one is open already, here or the browser blocked it. */
function openCallingWindow(): boolean {
  if (layout.page === 'window' || layout.pinned || callingWindow.open) return false
  const opened = window.open(callingWindowUrl(window.location.href), CALLING_WINDOW_NAME, 'popup,width=460,height=780')
  if (!opened) {
    showAlert('The browser blocked HubSpot\'s calling window: allow pop-ups for this site.')
    return false
  }
  callingWindow.open = true
  callingWindow.announced = false
  renderWindowState()
  return true
}

function closeCallingWindow(): boolean {
  if (layout.page === 'window') {
    window.close()
    return true
  }
  if (!callingWindow.open) return false
  postHost({ kind: 'close-window' })
  return true
}

function openTab(): boolean {
  return window.open(anotherTabUrl(window.location.href), '_blank') !== null
}

channel?.addEventListener('message', (event: MessageEvent<unknown>) => {
  const message = parseHostChannelMessage(event.data)
  if (!message || layout.pinned) return
  if (layout.page === 'window') {
    if (message.kind === 'who-is-window') postHost({ kind: 'window-hello', synced: host.isReady })
    if (message.kind === 'close-window') window.close()
    if (message.kind === 'dial' && !dialOwnFrame(message.phoneNumber)) queuedDials.push(message.phoneNumber)
    return
  }
  if (message.kind === 'window-hello') {
    callingWindow.open = true
    callingWindow.announced = true
    flushWindowDials()
    watchCallingWindow()
  }
  if (message.kind === 'window-bye') {
    callingWindow.open = false
    callingWindow.announced = false
  }
  renderWindowState()
})

/**
 * The calling window holds a Web Lock for as long as its page lives; a tab that knows of it waits for
 * that lock, which the browser grants when the window's page is gone however it went (closed by the
 * agent, by a test's page.close(), crashed), so no tab goes on believing a dead window is open.
 */
const WINDOW_LOCK = 'hubspot-simulator:calling-window'
const locks = (navigator as Navigator & { locks?: LockManager }).locks
let watchingWindow = false
function watchCallingWindow(): void {
  if (!locks || watchingWindow) return
  watchingWindow = true
  locks.request(WINDOW_LOCK, () => {
    watchingWindow = false
    callingWindow.open = false
    callingWindow.announced = false
    renderWindowState()
  }).catch(() => {
    // Denied where the browser blocks all site data: the window's goodbye is all there is.
    watchingWindow = false
  })
}

if (!layout.pinned) {
  if (layout.page === 'window') {
    const announce = (): void => postHost({ kind: 'window-hello', synced: host.isReady })
    // Held until the page goes; announced once held, so a tab's wait queues behind it.
    if (locks) locks.request(WINDOW_LOCK, () => new Promise<void>(() => announce())).catch(announce)
    else announce()
    window.addEventListener('pagehide', () => postHost({ kind: 'window-bye' }))
  } else {
    postHost({ kind: 'who-is-window' })
  }
}

function setVisibility(visibility: { isMinimized: boolean, isHidden: boolean }): boolean {
  ui.minimized.checked = visibility.isMinimized
  ui.hidden.checked = visibility.isHidden
  ui.widgetContainer.classList.toggle('minimized', visibility.isMinimized)
  ui.widgetContainer.style.visibility = visibility.isHidden ? 'hidden' : ''
  return host.post('VISIBILITY_CHANGED', { ...visibility })
}

for (const contact of TEST_CONTACTS) {
  const li = document.createElement('li')
  const who = document.createElement('span')
  who.className = 'who'
  who.title = contact.description
  const name = document.createElement('strong')
  name.textContent = contact.name
  const number = document.createElement('span')
  number.className = 'number'
  number.textContent = contact.phoneNumber
  who.append(name, number)
  const call = document.createElement('button')
  call.type = 'button'
  call.className = 'needs-sync'
  call.textContent = 'Call'
  call.setAttribute('aria-label', `Call ${contact.name}`)
  call.addEventListener('click', () => dial(contact.phoneNumber))
  li.append(who, call)
  ui.contacts.append(li)
}

ui.dialForm.addEventListener('submit', (event) => {
  event.preventDefault()
  dial(ui.dialNumber.value)
})
ui.endCall.addEventListener('click', () => host.post('END_CALL'))
ui.failCreate.addEventListener('change', () => {
  state.failCreate = ui.failCreate.checked
})
ui.failUpdate.addEventListener('change', () => {
  state.failUpdate = ui.failUpdate.checked
})
const onVisibilityInput = (): void => {
  setVisibility({ isMinimized: ui.minimized.checked, isHidden: ui.hidden.checked })
}
ui.minimized.addEventListener('change', onVisibilityInput)
ui.hidden.addEventListener('change', onVisibilityInput)
ui.replyDelay.addEventListener('change', () => {
  const ms = ui.replyDelay.valueAsNumber
  if (Number.isFinite(ms) && ms >= 0) state.replyDelayMs = ms
})
ui.createDelay.addEventListener('change', () => {
  const ms = ui.createDelay.valueAsNumber
  if (Number.isFinite(ms) && ms >= 0) state.createDelayMs = ms
})
ui.reload.addEventListener('click', () => {
  iframe.src = src.href
})
// ---------------------------------------------------------- HubSpot's calling settings

const switches = new Map(SETTING_NAMES.map((name) => {
  const input = element(`#setting-${name}`, HTMLInputElement)
  input.addEventListener('change', () => {
    storeSettings({ [name]: input.checked })
  })
  return [name, input] as const
}))
function renderSwitches(): void {
  const stored = readStoredSettings()
  for (const [name, input] of switches) input.checked = stored[name]
}
window.addEventListener('storage', (event) => {
  if (event.key === SETTINGS_KEY || event.key === null) renderSwitches()
})
renderSwitches()
ui.settingsNote.textContent = [
  `This page's frame: ${PAGE_NAMES[iframeLocation]} (iframeLocation ${iframeLocation}, usesCallingWindow ${layout.usesCallingWindow}).`,
  layout.pinned ? 'Pinned by ?iframeLocation=.' : overridden.length > 0 ? `From the page's query: ${overridden.map(n => `${n}=${settings[n]}`).join(', ')}.` : '',
  'A change applies to frames loaded afterwards (reload a tab, open another, or the calling window).',
].filter(Boolean).join(' ')
element('#timeline-title', HTMLElement).textContent = `Messages · ${PAGE_NAMES[iframeLocation]}`
ui.openTab.addEventListener('click', () => {
  openTab()
})
ui.openWindow.addEventListener('click', () => {
  openCallingWindow()
})
ui.closeWindow.addEventListener('click', () => {
  closeCallingWindow()
})
renderWindowState()

ui.clearLog.addEventListener('click', () => {
  hostLog.length = 0
  ui.timeline.replaceChildren()
})

// ---------------------------------------------------------- call the agent

const caller = createCaller((state) => {
  const why = state.state === 'ended' ? refusalReason(state.statusCode, { iframeLocation, agentUnavailable }) : undefined
  ui.callerState.textContent = `Caller: ${state.state}${state.statusCode ? ` (${state.statusCode})` : ''}${why ? ` — ${why}` : ''}${state.detail ? ` — ${state.detail}` : ''}`
})
for (const { extension, name } of CALLERS) {
  const option = document.createElement('option')
  option.value = extension
  option.textContent = `${name} (${extension})`
  ui.callerFrom.append(option)
}

async function callAgent(from: CallerExtension, agent: string): Promise<void> {
  try {
    await caller.call(from, agent)
  } catch (error) {
    ui.callerState.textContent = `Caller: failed — ${error instanceof Error ? error.message : String(error)}`
    throw error
  }
}

ui.callerForm.addEventListener('submit', (event) => {
  event.preventDefault()
  const from = CALLERS.find(c => c.extension === ui.callerFrom.value)?.extension ?? CALLERS[0].extension
  void callAgent(from, ui.callerTo.value.trim()).catch(() => {})
})
// "Call the agent" calls the agent the softphone signs in as in development (dev/config.json's devLogin,
// prefilled in its sign-in form), so with npm start's defaults it rings the agent just signed in.
void fetch('/config.json', { cache: 'no-store' })
  .then(async response => response.json() as Promise<unknown>)
  .then((config) => {
    const login = isRecord(config) && isRecord(config.devLogin) ? config.devLogin : {}
    if (typeof login.extension === 'string' && /^\d{2,6}$/.test(login.extension) && ui.callerTo.value === ui.callerTo.defaultValue)
      ui.callerTo.value = login.extension
  })
  .catch(() => {
    // No development config: the field keeps its default.
  })
ui.callerHangup.addEventListener('click', () => {
  void caller.hangup()
})

const controls: HostControls = {
  callAgent,
  callerHangup: () => caller.hangup(),
  callerState: () => caller.state(),
  iframeLocation: () => iframeLocation,
  location: () => ({ page: layout.page, iframeLocation, usesCallingWindow: layout.usesCallingWindow, pinned: layout.pinned, dialTo }),
  settings: () => ({ stored: readStoredSettings(), effective: { ...settings }, overridden: [...overridden] }),
  setSettings: (next) => {
    const stored = storeSettings(next)
    renderSwitches()
    return stored
  },
  openCallingWindow,
  closeCallingWindow,
  callingWindowOpen: () => callingWindow.open,
  openTab,
  dial,
  endCall: () => host.post('END_CALL'),
  setFailCreate: (fail) => {
    state.failCreate = fail
    ui.failCreate.checked = fail
  },
  setFailUpdate: (fail) => {
    state.failUpdate = fail
    ui.failUpdate.checked = fail
  },
  setVisibility,
  setReplyDelay: (ms) => {
    state.replyDelayMs = Math.max(0, ms)
    ui.replyDelay.value = String(state.replyDelayMs)
    controls.setCreateDelay(ms)
  },
  setCreateDelay: (ms) => {
    state.createDelayMs = Math.max(0, ms)
    ui.createDelay.value = String(state.createDelayMs)
  },
  send: (type, data) => host.post(type, data),
  isReady: () => host.isReady,
  releaseSync: () => {
    syncHeld = false
  },
  reloadWidget: () => {
    iframe.src = src.href
  },
}
window.__host = controls

setWidget('loading')

import { describe, expect, it } from 'vitest'
import { RegistrationError } from '@/sip/types'
import { useAgentStore } from '@/stores/agent'
import { useWidgetStore } from '@/stores/widget'
import { createHarness } from '../fakes'

const form = { extension: '1001', password: 's3cret-pass', displayName: 'Ada' }

describe('agent store', () => {
  it('registers with the typed credentials and tells HubSpot the agent logged in', async () => {
    const h = createHarness()
    const agent = useAgentStore()
    expect(await agent.signIn(form)).toBe(true)
    expect(h.sip.credentials).toEqual({ user: '1001', password: 's3cret-pass', displayName: 'Ada' })
    expect(agent.registration).toBe('registered')
    expect(h.hubspot.types()).toEqual(['userLoggedIn'])
  })

  it('shows the reason a registration failed and does not send userLoggedIn', async () => {
    const h = createHarness()
    h.sip.registerError = new RegistrationError({ kind: 'auth', statusCode: 403, message: 'Wrong extension or password.' })
    const agent = useAgentStore()
    expect(await agent.signIn(form)).toBe(false)
    expect(agent.registration).toBe('failed')
    expect(agent.failure).toBe('Wrong extension or password.')
    expect(h.hubspot.types()).not.toContain('userLoggedIn')
  })

  it('refuses an empty extension or password before touching the PBX', async () => {
    const h = createHarness()
    const agent = useAgentStore()
    expect(await agent.signIn({ ...form, extension: '  ' })).toBe(false)
    expect(agent.failure).toBe('Enter your extension.')
    expect(await agent.signIn({ ...form, password: '' })).toBe(false)
    expect(agent.failure).toBe('Enter your password.')
    expect(await agent.signIn({ ...form, extension: '10 01<x>' })).toBe(false)
    expect(h.sip.actions).toEqual([])
  })

  it('remembers the extension and name but never the password', async () => {
    const h = createHarness()
    await useAgentStore().signIn(form)
    const stored = [...h.storage.items.values()].join('\n')
    expect(stored).toContain('1001')
    expect(stored).not.toContain('s3cret-pass')

    // A reload prefills what was remembered.
    const again = createHarness({ storage: h.storage })
    const agent = useAgentStore()
    expect(agent.extension).toBe('1001')
    expect(agent.displayName).toBe('Ada')
    expect(again.sip.actions).toEqual([])
  })

  it('unregisters and tells HubSpot on sign out', async () => {
    const h = createHarness()
    const agent = useAgentStore()
    await agent.signIn(form)
    await agent.signOut()
    expect(h.sip.actions).toEqual(['register:1001', 'unregister'])
    expect(agent.registration).toBe('unregistered')
    expect(h.hubspot.types()).toEqual(['userLoggedIn', 'userLoggedOut'])
  })

  it('sends the agent back to sign-in, and tells HubSpot, when the PBX refuses a later REGISTER', async () => {
    const h = createHarness()
    const agent = useAgentStore()
    await agent.signIn(form)
    h.sip.emit('registration', { state: 'failed', failure: { kind: 'auth', statusCode: 401, message: 'Wrong extension or password.' } })
    expect(agent.signedIn).toBe(false)
    expect(agent.failure).toBe('Wrong extension or password.')
    expect(h.hubspot.types()).toEqual(['userLoggedIn', 'userLoggedOut'])
  })

  it('stays signed in while the phone reconnects on its own', async () => {
    const h = createHarness()
    const agent = useAgentStore()
    await agent.signIn(form)
    h.sip.emit('registration', { state: 'failed', failure: { kind: 'transport', message: 'Lost the PBX.' }, reconnect: { attempt: 1, delayMs: 1000 } })
    expect(agent.signedIn).toBe(true)
    expect(h.hubspot.types()).toEqual(['userLoggedIn'])
  })

  it('follows registration changes the adapter reports later (e.g. a lost connection)', async () => {
    const h = createHarness()
    const agent = useAgentStore()
    await agent.signIn(form)
    h.sip.emit('registration', { state: 'failed', failure: { kind: 'transport', message: 'Cannot reach the PBX at ws://x.' } })
    expect(agent.isRegistered).toBe(false)
    expect(agent.failure).toBe('Cannot reach the PBX at ws://x.')
  })
})

describe('widget store', () => {
  it('answers onReady with initialized carrying the true login state', async () => {
    const h = createHarness()
    useWidgetStore()
    h.hubspot.emit('ready', { portalId: 1 })
    expect(h.hubspot.sent).toEqual([{ type: 'initialized', data: { isLoggedIn: false } }])

    await useAgentStore().signIn(form)
    h.hubspot.emit('ready', {})
    expect(h.hubspot.last('initialized')).toEqual({ isLoggedIn: true })
  })

  it('asks HubSpot to resize only after ready and only when the height changes', () => {
    const h = createHarness()
    const widget = useWidgetStore()
    widget.reportSize(300)
    expect(h.hubspot.types()).toEqual([])
    h.hubspot.emit('ready', {})
    expect(h.hubspot.last('resizeWidget')).toEqual({ width: 400, height: 300 })
    widget.reportSize(300)
    widget.reportSize(520.4)
    expect(h.hubspot.sent.filter(m => m.type === 'resizeWidget').map(m => m.data)).toEqual([
      { width: 400, height: 300 },
      { width: 400, height: 521 },
    ])
  })

  it('keeps HubSpot\'s visibility', () => {
    const h = createHarness()
    const widget = useWidgetStore()
    h.hubspot.emit('visibilityChanged', { isMinimized: true, isHidden: false })
    expect(widget.visibility).toEqual({ isMinimized: true, isHidden: false })
  })
})

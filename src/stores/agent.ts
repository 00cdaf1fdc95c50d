/**
 * The agent's sign-in: SIP registration and what HubSpot is told about it.
 * The password lives only in the SIP adapter for the life of the page.
 */
import { defineStore } from 'pinia'
import { computed, ref } from 'vue'
import { t } from '@/i18n'
import { usePorts } from '@/ports'
import type { ReconnectInfo, RegistrationState } from '@/sip/types'
import { RegistrationError } from '@/sip/types'

const REMEMBERED_KEY = 'softphone:agent'
const EXTENSION_PATTERN = /^[\w.+-]{1,64}$/

export interface SignInForm {
  extension: string
  password: string
  displayName: string
}

/** The last agent who signed in on this browser; `signedOut` once they signed out themselves. */
interface Remembered { extension: string, displayName: string, signedOut: boolean }

function readRemembered(raw: string | null): Remembered | null {
  if (!raw)
    return null
  try {
    const value: unknown = JSON.parse(raw)
    if (typeof value === 'object' && value !== null && 'extension' in value && typeof value.extension === 'string') {
      const displayName = 'displayName' in value && typeof value.displayName === 'string' ? value.displayName : ''
      const signedOut = 'signedOut' in value && value.signedOut === true
      return { extension: value.extension, displayName, signedOut }
    }
  }
  catch {
    // A corrupt entry is treated as none.
  }
  return null
}

export const useAgentStore = defineStore('agent', () => {
  const { sip, hubspot, storage, config } = usePorts()

  const remembered = readRemembered(storage.getItem(REMEMBERED_KEY))
  const registration = ref<RegistrationState>('unregistered')
  const failure = ref<string | null>(null)
  const extension = ref(remembered?.extension ?? config.devLogin?.extension ?? '')
  const displayName = ref(remembered?.displayName ?? config.devLogin?.displayName ?? '')
  /** Set once the agent signed in this page, so a later loss of registration is told apart from "never signed in". */
  const signedIn = ref(false)

  /** Set while the phone reconnects on its own after losing the PBX (the agent stays signed in). */
  const reconnect = ref<ReconnectInfo | null>(null)
  const reconnecting = computed(() => reconnect.value !== null && signedIn.value)
  const isRegistered = computed(() => registration.value === 'registered')
  const isBusy = computed(() => registration.value === 'registering')
  /** Who the agent is at the PBX (`extension@sipDomain`): what the wrap-up drafts are kept under. */
  const agentId = computed(() => `${extension.value}@${config.sipDomain}`)
  /**
   * Whether this page may bring back what the remembered agent left open (a wrap-up) before they sign
   * in again: yes after a reload, no once they signed out themselves (the next person may be someone else).
   */
  const resumeAtLoad = remembered !== null && !remembered.signedOut
  const remember = (signedOut: boolean): void =>
    storage.setItem(REMEMBERED_KEY, JSON.stringify({ extension: extension.value, displayName: displayName.value, signedOut }))

  /** Signed in, and this frame's HubSpot told once. */
  function markSignedIn(): void {
    if (signedIn.value)
      return
    signedIn.value = true
    hubspot.userLoggedIn()
  }
  function markSignedOut(): void {
    if (!signedIn.value)
      return
    signedIn.value = false
    hubspot.userLoggedOut()
  }

  sip.on('registration', ({ state, failure: why, reconnect: retry, identity }) => {
    registration.value = state
    reconnect.value = retry ?? null
    if (state === 'failed' && why)
      failure.value = why.message
    if (state === 'registered')
      failure.value = null
    // Signed in from another of the agent's frames (src/frames/): this one follows.
    if (state === 'registered' && identity) {
      extension.value = identity.user
      displayName.value = identity.displayName ?? ''
      markSignedIn()
    }
    // Lost for good (a refused re-REGISTER, e.g. a changed password), or signed out in another
    // frame: back to sign-in, and HubSpot knows.
    if ((state === 'failed' && !retry) || state === 'unregistered')
      markSignedOut()
  })

  function validate(form: SignInForm): string | null {
    if (!form.extension.trim())
      return t('signIn.enterExtension')
    if (!EXTENSION_PATTERN.test(form.extension.trim()))
      return t('signIn.badExtension')
    if (!form.password)
      return t('signIn.enterPassword')
    return null
  }

  async function signIn(form: SignInForm): Promise<boolean> {
    const invalid = validate(form)
    if (invalid) {
      failure.value = invalid
      registration.value = 'failed'
      return false
    }
    const user = form.extension.trim()
    const name = form.displayName.trim()
    extension.value = user
    displayName.value = name
    failure.value = null
    registration.value = 'registering'
    try {
      await sip.register({ user, password: form.password, displayName: name || undefined })
    }
    catch (error) {
      registration.value = 'failed'
      failure.value = error instanceof RegistrationError
        ? error.message
        : t('signIn.failed', { reason: error instanceof Error ? error.message : String(error) })
      return false
    }
    registration.value = 'registered'
    remember(false)
    markSignedIn()
    return true
  }

  async function signOut(): Promise<void> {
    await sip.unregister()
    registration.value = 'unregistered'
    failure.value = null
    remember(true)
    markSignedOut()
  }

  return { registration, failure, extension, displayName, agentId, resumeAtLoad, signedIn, isRegistered, isBusy, reconnect, reconnecting, signIn, signOut }
})

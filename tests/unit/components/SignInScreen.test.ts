import { afterEach, describe, expect, it } from 'vitest'
import SignInScreen from '@/components/SignInScreen.vue'
import { useAgentStore } from '@/stores/agent'
import { mountWith } from './mountWith'

afterEach(() => {
  document.body.innerHTML = ''
})

function field(wrapper: ReturnType<typeof mountWith>['wrapper'], label: string) {
  const labelEl = wrapper.findAll('label').find(l => l.text().startsWith(label))
  if (!labelEl)
    throw new Error(`no field labelled ${label}`)
  return labelEl.find('input')
}

describe('SignInScreen', () => {
  it('signs in with what the agent typed when the form is submitted', async () => {
    const { wrapper } = mountWith(SignInScreen)
    await field(wrapper, 'Extension').setValue('1002')
    await field(wrapper, 'Password').setValue('pw1002')
    await field(wrapper, 'Display name').setValue('Grace')
    await wrapper.find('form').trigger('submit')
    expect(useAgentStore().signIn).toHaveBeenCalledWith({ extension: '1002', password: 'pw1002', displayName: 'Grace' })
  })

  it('has a labelled, masked password field and a Sign in button', () => {
    const { wrapper } = mountWith(SignInScreen)
    expect(field(wrapper, 'Password').attributes('type')).toBe('password')
    expect(wrapper.find('button[type="submit"]').text()).toBe('Sign in')
  })

  it('shows Registering… and disables Sign in while registering', () => {
    const { wrapper } = mountWith(SignInScreen, { initialState: { agent: { registration: 'registering' } } })
    expect(wrapper.find('[role="status"]').text()).toBe('Registering…')
    expect(wrapper.find('button[type="submit"]').attributes('disabled')).toBeDefined()
  })

  it('shows why the sign-in failed as an alert', () => {
    const { wrapper } = mountWith(SignInScreen, {
      initialState: { agent: { registration: 'failed', failure: 'Wrong extension or password.' } },
    })
    expect(wrapper.find('[role="alert"]').text()).toBe('Wrong extension or password.')
  })

  it('prefills the remembered extension and puts the cursor in Password', () => {
    const { wrapper } = mountWith(SignInScreen, { initialState: { agent: { extension: '1004' } } })
    expect((field(wrapper, 'Extension').element as HTMLInputElement).value).toBe('1004')
    expect(document.activeElement).toBe(field(wrapper, 'Password').element)
  })

  it('puts the cursor in Extension when nothing is remembered', () => {
    const { wrapper } = mountWith(SignInScreen)
    expect(document.activeElement).toBe(field(wrapper, 'Extension').element)
  })
})

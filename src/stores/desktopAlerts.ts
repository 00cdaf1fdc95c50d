/**
 * Ringing when HubSpot is not in front: while an inbound call rings and the agent cannot see the
 * widget, a desktop notification names the caller; clicking it focuses the window and brings the call
 * forward (the Answer button takes the focus). It closes when the call stops ringing (answered,
 * declined, missed) or the agent is looking again.
 *
 * "Not in front": the page is hidden (`document.visibilityState`: another tab or a minimised window)
 * or HubSpot says the widget is hidden or minimised (`onVisibilityChanged`, recorded by the widget
 * store). Permission is asked only from the agent's click (`enable`), never at load.
 */
import { defineStore } from 'pinia'
import { computed, ref, watch } from 'vue'
import { useCallerName } from '@/composables/useCallerName'
import { t } from '@/i18n'
import type { DesktopNotice } from '@/notifications/desktopNotifier'
import { usePorts } from '@/ports'
import { useCallStore } from '@/stores/call'
import { useWidgetStore } from '@/stores/widget'

export const useDesktopAlertsStore = defineStore('desktopAlerts', () => {
  const { notifier } = usePorts()
  const call = useCallStore()
  const widget = useWidgetStore()
  const { title, number } = useCallerName()

  const access = ref(notifier.access())
  // The agent answered the browser's prompt, or changed the site's setting: the panel follows.
  notifier.onAccessChange(() => {
    access.value = notifier.access()
  })
  const pageHidden = ref(notifier.pageHidden())
  notifier.onVisibilityChange(() => {
    pageHidden.value = notifier.pageHidden()
  })
  const notInFront = computed(() => pageHidden.value || widget.visibility.isHidden || widget.visibility.isMinimized)
  /** Counts clicks on a notification: the incoming-call screen moves the focus to Answer on each. */
  const focusRequests = ref(0)

  let shown: { notice: DesktopNotice, callId: string } | null = null
  function close(): void {
    shown?.notice.close()
    shown = null
  }

  watch(() => [call.phase, call.call?.callId, notInFront.value] as const, ([phase, callId, away]) => {
    if (phase !== 'incoming' || !callId || !away) {
      close()
      return
    }
    if (shown?.callId === callId)
      return
    close()
    access.value = notifier.access() // the agent may have allowed notifications since
    // Written when shown, in the agent's language then.
    const shownNumber = title.value === number.value ? '' : number.value
    const notice = notifier.show(t('alerts.title', { caller: title.value }), {
      body: shownNumber ? t('alerts.body', { number: shownNumber }) : t('alerts.bodyNoNumber'),
      tag: `softphone-call-${callId}`,
      onClick: () => {
        focusRequests.value++
      },
    })
    shown = notice ? { notice, callId } : null
  }, { immediate: true })

  /** The agent's click on *Allow desktop notifications*: the only place the browser is asked. */
  async function enable(): Promise<void> {
    access.value = await notifier.request()
  }
  /** Reads the permission again (the settings panel opening: the agent may have changed it in the browser). */
  function refresh(): void {
    access.value = notifier.access()
  }

  return { access, notInFront, focusRequests, enable, refresh }
})

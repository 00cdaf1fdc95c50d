/**
 * The widget's relationship with HubSpot itself: the SYNC/READY handshake,
 * visibility and size. Call and sign-in state are read from their own stores.
 */
import { defineStore } from 'pinia'
import { ref } from 'vue'
import type { ReadyInfo, VisibilityInfo } from '@/hubspot/types'
import { usePorts } from '@/ports'
import { useAgentStore } from '@/stores/agent'
import { useCallStore } from '@/stores/call'

/** The widget's design width in CSS pixels (the width registered in HubSpot's calling settings). */
export const WIDGET_WIDTH = 400

export const useWidgetStore = defineStore('widget', () => {
  const { hubspot } = usePorts()
  const agent = useAgentStore()
  const callStore = useCallStore()

  const ready = ref(false)
  const info = ref<ReadyInfo>({})
  const visibility = ref<VisibilityInfo>({ isMinimized: false, isHidden: false })
  let lastSize = { width: 0, height: 0 }

  hubspot.on('ready', (payload) => {
    ready.value = true
    info.value = payload
    const engagementId = callStore.call?.engagementId ?? undefined
    hubspot.initialized({ isLoggedIn: agent.isRegistered, ...(engagementId ? { engagementId } : {}) })
    if (lastSize.height > 0)
      hubspot.resizeWidget(lastSize)
  })
  hubspot.on('visibilityChanged', (payload) => {
    visibility.value = payload
  })

  /**
   * Ask HubSpot to fit the iframe's height to our content, only when it really
   * changed. The width is our fixed design width: reporting the measured width
   * would follow the iframe's own size and shrink it with every host border.
   */
  function reportSize(height: number): void {
    const size = { width: WIDGET_WIDTH, height: Math.ceil(height) }
    if (size.height === lastSize.height)
      return
    lastSize = size
    if (ready.value)
      hubspot.resizeWidget(size)
  }

  return { ready, info, visibility, reportSize }
})

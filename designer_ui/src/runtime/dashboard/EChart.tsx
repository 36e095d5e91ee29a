// The one module that imports echarts: DashboardPage loads it with React.lazy, so the runtime's first
// screen never downloads the charting library. Only the chart kinds the report engine describes are registered.
import { BarChart, HeatmapChart, LineChart, PieChart } from 'echarts/charts'
import { GridComponent, LegendComponent, TooltipComponent, VisualMapComponent } from 'echarts/components'
import * as echarts from 'echarts/core'
import { CanvasRenderer } from 'echarts/renderers'
import { useEffect, useRef } from 'react'

echarts.use([
  BarChart,
  HeatmapChart,
  LineChart,
  PieChart,
  GridComponent,
  LegendComponent,
  TooltipComponent,
  VisualMapComponent,
  CanvasRenderer,
])

export interface EChartProps {
  option: Record<string, unknown>
  height: number
  /** the name a screen reader announces for the chart (its title) */
  label: string
  onPick?: (point: { seriesIndex: number; dataIndex: number }) => void
  /** called once, when the first drawing is on screen */
  onRendered?: () => void
}

export default function EChart({ option, height, label, onPick, onRendered }: EChartProps) {
  const element = useRef<HTMLDivElement>(null)
  const chart = useRef<echarts.ECharts | null>(null)
  const pick = useRef(onPick)
  const rendered = useRef(onRendered)
  const drawn = useRef(false)
  useEffect(() => {
    pick.current = onPick
    rendered.current = onRendered
  }, [onPick, onRendered])

  useEffect(() => {
    const node = element.current
    if (!node) return
    const instance = echarts.init(node, undefined, { renderer: 'canvas' })
    chart.current = instance
    instance.on('click', (params) => {
      pick.current?.({ seriesIndex: params.seriesIndex ?? 0, dataIndex: params.dataIndex })
    })
    instance.on('finished', () => {
      rendered.current?.()
      rendered.current = undefined
    })
    // the grid column changes width with the window and the side menu
    const observer = new ResizeObserver(() => instance.resize())
    observer.observe(node)
    return () => {
      observer.disconnect()
      instance.dispose()
      chart.current = null
    }
  }, [])

  useEffect(() => {
    // A dashboard draws many charts at once: the opening animation (a second per chart, on the main thread)
    // would hold the page busy after the data is there, so charts appear drawn; filter changes still animate.
    const first = drawn.current === false
    drawn.current = true
    chart.current?.setOption(first ? { ...option, animation: false } : option, { notMerge: true })
  }, [option])

  return <div ref={element} role="img" aria-label={label} style={{ width: '100%', height, cursor: onPick ? 'pointer' : undefined }} />
}

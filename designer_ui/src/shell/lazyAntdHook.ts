import { createElement, type ReactElement, useCallback, useEffect, useMemo, useRef, useState } from 'react'

// antd's <App> calls useModal() and useNotification() so that App.useApp() can hand out `modal` and
// `notification`; the build (scripts/lazyAntdParts.ts) swaps those two hooks for lazyHook(() => import(…)),
// so the modal and notification code loads on the first call, not on every page's first screen.

type Call = (...args: unknown[]) => unknown
type Api = Record<string, Call>
type Hook = (config?: unknown) => readonly [Api, ReactElement | null]

/** What a call made before the hook loaded returns: antd's confirm instance (destroy, update, then), relayed. */
function relay(result: Promise<{ value: unknown }>) {
  const forward = (name: string) => (...args: unknown[]) => {
    void result.then(({ value }) => (value as Api | undefined)?.[name]?.(...args))
  }
  return {
    destroy: forward('destroy'),
    update: forward('update'),
    // the real result is itself a thenable (a confirm resolves with the button pressed): adopt it
    then: (resolve?: (value: unknown) => unknown, reject?: (reason: unknown) => unknown) =>
      result.then(({ value }) => value).then(resolve, reject),
  }
}

function Holder({ hook, config, onReady }: { hook: Hook; config: unknown; onReady: (api: Api) => void }) {
  const [api, holder] = hook(config)
  useEffect(() => onReady(api), [api, onReady])
  return holder
}

/** A hook shaped like antd's useModal / useNotification ([api, holder]) that loads the real one on first use. */
export function lazyHook(load: () => Promise<{ default: Hook }>): Hook {
  let loaded: Hook | null = null
  let loading: Promise<Hook> | null = null
  const get = () => (loading ??= load().then((module) => (loaded = module.default)))

  return function useLazyHook(config?: unknown) {
    const [hook, setHook] = useState<Hook | null>(loaded)
    const real = useRef<Api | null>(null)
    const waiting = useRef<Array<(api: Api) => void>>([])
    const api = useMemo(() => new Proxy({} as Api, {
      get: (_target, name) => (...args: unknown[]) => {
        const method = String(name)
        if (real.current) return real.current[method]?.(...args)
        // boxed: the real result may be a thenable, which a promise would wait for instead of holding
        const result = new Promise<{ value: unknown }>((resolve) => {
          waiting.current.push((ready) => resolve({ value: ready[method]?.(...args) }))
        })
        void get().then((h) => setHook(() => h))
        return relay(result)
      },
    }), [])
    const onReady = useCallback((ready: Api) => {
      real.current = ready
      for (const call of waiting.current.splice(0)) call(ready)
    }, [])
    const holder = hook ? createElement(Holder, { key: 'lazy-holder', hook, config, onReady }) : null
    return [api, holder] as const
  }
}

import net from 'node:net'

/**
 * A TCP proxy between the app and its database that can drop every connection in the middle of
 * a query: each socket is reset (TCP RST) on both sides while bytes the app sent are still
 * unanswered, and new connections are refused until `restore`. (test/adapters/tcp-proxy.ts
 * covers the refused and frozen cases.)
 */
export interface FaultProxy {
  url (target: string): string
  /** Resolves when the app next sends bytes to the database: a query is on the wire. */
  nextQuery (): Promise<void>
  /** Resets every connection at once and refuses new ones; resolves with how many had a query in flight. */
  drop (): Promise<number>
  restore (): Promise<void>
  close (): Promise<void>
}

interface Link { client: net.Socket, server: net.Socket, awaitingReply: boolean }

const DEFAULT_PORTS: Record<string, number> = { 'mysql:': 3306, 'mongodb:': 27017 }

export async function startFaultProxy (upstreamUrl: string): Promise<FaultProxy> {
  const upstream = new URL(upstreamUrl)
  const upstreamPort = Number(upstream.port !== '' ? upstream.port : DEFAULT_PORTS[upstream.protocol])
  const links = new Set<Link>()
  let onQuery: (() => void) | undefined

  const listener = net.createServer((client) => {
    const server = net.connect(upstreamPort, upstream.hostname)
    const link: Link = { client, server, awaitingReply: false }
    links.add(link)
    client.on('data', (chunk: Buffer) => {
      link.awaitingReply = true
      if (server.write(chunk) === false) client.pause()
      onQuery?.()
      onQuery = undefined
    })
    server.on('drain', () => client.resume())
    server.on('data', (chunk: Buffer) => {
      link.awaitingReply = false
      if (client.write(chunk) === false) server.pause()
    })
    client.on('drain', () => server.resume())
    const end = () => { links.delete(link); client.destroy(); server.destroy() }
    client.on('error', end).on('close', end)
    server.on('error', end).on('close', end)
  })

  const listen = (port: number) => new Promise<void>((resolve, reject) => {
    listener.once('error', reject)
    listener.listen(port, '127.0.0.1', () => { listener.off('error', reject); resolve() })
  })
  await listen(0)
  const port = (listener.address() as net.AddressInfo).port

  function resetAll (): number {
    let inFlight = 0
    for (const link of links) {
      if (link.awaitingReply) inFlight += 1
      link.client.resetAndDestroy()
      link.server.resetAndDestroy()
    }
    links.clear()
    return inFlight
  }

  return {
    url (target) {
      const url = new URL(target)
      url.hostname = '127.0.0.1'
      url.port = String(port)
      return url.href
    },
    nextQuery: () => new Promise<void>((resolve) => { onQuery = resolve }),
    async drop () {
      const closed = new Promise<void>((resolve) => listener.close(() => resolve()))
      const inFlight = resetAll()
      await closed
      return inFlight
    },
    async restore () {
      if (!listener.listening) await listen(port)
    },
    async close () {
      resetAll()
      if (listener.listening) await new Promise<void>((resolve) => listener.close(() => resolve()))
    }
  }
}

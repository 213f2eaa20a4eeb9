// The local network's js-libp2p circuit relay v2 (the relay snapshotters' local collectors dial through to reach
// the sequencer's ingest bridge). No limits, for long-lived pooled /collect streams: a relayed connection with a
// Limit is "limited" (go-libp2p collectors open no streams on it; the bridge reports it as not ready), and many
// connections a second from one host are accepted.
//
// Usage: node relay.mjs --modules <node_modules dir> [--port <p, 0 = any>]
// Prints one line `READY {"peerId":"12D3Koo…","addrs":["/ip4/127.0.0.1/tcp/<p>/p2p/12D3Koo…"]}` once listening.
// Stops on SIGTERM, SIGINT, or when its standard input closes (its parent died).
import { load, parseArgs, serve } from './node-service.mjs'

const opts = parseArgs('relay')
const { circuitRelayServer } = await load(opts.modules, '@libp2p/circuit-relay-v2')

await serve(opts, {
  relay: circuitRelayServer({
    maxInboundHopStreams: 10000,
    maxOutboundStopStreams: 10000,
    reservations: {
      maxReservations: 1000,
      reservationTtl: 2 * 60 * 60 * 1000,
      applyDefaultLimit: false // no Limit: relayed connections are not "limited" (the bridge checks this)
    }
  })
})

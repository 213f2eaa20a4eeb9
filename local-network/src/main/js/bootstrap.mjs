// The local network's js-libp2p bootstrap node for the gossipsub path, as Powerloom runs them: the Kademlia DHT
// (/ipfs/kad/1.0.0) in server mode, so snapshotter nodes and the sequencer's ingest bridge find each other through
// the rendezvous key, and GossipSub (subscribed to no topic: it only helps peers meet).
//
// Usage: node bootstrap.mjs --modules <node_modules dir> [--port <p, 0 = any>]
// Prints one line `READY {"peerId":"12D3Koo…","addrs":["/ip4/127.0.0.1/tcp/<p>/p2p/12D3Koo…"]}` once listening.
// Stops on SIGTERM, SIGINT, or when its standard input closes (its parent died).
import { load, parseArgs, serve } from './node-service.mjs'

const opts = parseArgs('bootstrap')
const { kadDHT, passthroughMapper } = await load(opts.modules, '@libp2p/kad-dht')
const { gossipsub } = await load(opts.modules, '@libp2p/gossipsub')

await serve(opts, {
  // loopback addresses are what the local network has: keep them in DHT answers
  dht: kadDHT({ protocol: '/ipfs/kad/1.0.0', clientMode: false, peerInfoMapper: passthroughMapper, allowQueryWithZeroPeers: true }),
  pubsub: gossipsub({ globalSignaturePolicy: 'StrictSign', D: 10, Dlo: 8, Dhi: 16, Dlazy: 10, Dout: 4, heartbeatInterval: 700 })
})

// A js-libp2p listener for the Java host to dial: /test/echo echoes every stream back and closes when the
// remote closes. Usage: node server.mjs [--port p] [--key-type T] ; prints `READY {"peerId","addrs"}`.
import { args, createNode, emit, identity, stopOnSignal } from './common.mjs'

const opts = args()
const node = await createNode({
  privateKey: await identity(opts),
  listen: [`/ip4/127.0.0.1/tcp/${opts.port ?? 0}`]
})
await node.handle('/test/echo', async (stream) => {
  let n = 0
  for await (const b of stream) {
    n += b.byteLength
    if (!stream.send(b)) await stream.onDrain()
  }
  await stream.close()
  emit('ECHOED', { bytes: n })
}, { runOnLimitedConnection: true })
emit('READY', { peerId: node.peerId.toString(), addrs: node.getMultiaddrs().map(String) })
stopOnSignal(node)

{{/* Mount points inside the bridge container. */}}
{{- define "sequencer.bridge.configDir" -}}/etc/bridge{{- end -}}
{{- define "sequencer.bridge.identityDir" -}}/var/run/secrets/powerloom/identity{{- end -}}

{{/*
Content of bridge.properties, in the keys of io.powerloom.sequencer.bridge.BridgeConfig. The chain RPC URL
is not here: it comes as SEQUENCER_BRIDGE_CHAIN_RPC_URL (= chain.rpc.url) from a Secret. The bridge starts
its chain watcher only when chain.* settings are present, so they are left out when the watcher is disabled.
*/}}
{{- define "sequencer.bridge.properties" -}}
{{- $b := .Values.bridge -}}
# rendered by the sequencer chart; chain.rpc.url comes from SEQUENCER_BRIDGE_CHAIN_RPC_URL
bridge.id={{ include "sequencer.bridge.id" . }}
libp2p.listen=/ip4/0.0.0.0/tcp/{{ int $b.libp2p.port }}
libp2p.identity.key.file={{ include "sequencer.bridge.identityDir" . }}/{{ $b.libp2p.identity.key }}
libp2p.relays={{ join "," $b.libp2p.relays }}
collect.max.message.bytes={{ $b.collect.maxMessageBytes }}
{{- with $b.libp2p.admission }}
{{- if not (kindIs "invalid" .maxConnections) }}
libp2p.max.connections={{ int .maxConnections }}
{{- end }}
{{- if not (kindIs "invalid" .maxConnectionsPerIp) }}
libp2p.max.connections.per.ip={{ int .maxConnectionsPerIp }}
{{- end }}
{{- if not (kindIs "invalid" .maxPendingHandshakesPerIp) }}
libp2p.max.pending.handshakes.per.ip={{ int .maxPendingHandshakesPerIp }}
{{- end }}
{{- if not (kindIs "invalid" .idleConnectionTimeout) }}
libp2p.idle.connection.timeout={{ .idleConnectionTimeout }}
{{- end }}
{{- if not (kindIs "invalid" .maxQueuedBytesPerConnection) }}
libp2p.max.queued.bytes.per.connection={{ .maxQueuedBytesPerConnection }}
{{- end }}
{{- end }}
{{- if not (kindIs "invalid" $b.collect.maxStreamsPerIp) }}
collect.max.streams.per.ip={{ int $b.collect.maxStreamsPerIp }}
{{- end }}
{{- with $b.gossip }}
gossip.enabled={{ .enabled }}
{{- if .enabled }}
{{- if not (kindIs "invalid" .topicPrefix) }}
gossip.topic.prefix={{ .topicPrefix }}
{{- end }}
gossip.bootstrap.peers={{ join "," .bootstrapPeers }}
{{- if not (kindIs "invalid" .rendezvous) }}
gossip.rendezvous={{ .rendezvous }}
{{- end }}
{{- if not (kindIs "invalid" .maxPeers) }}
gossip.max.peers={{ int .maxPeers }}
{{- end }}
{{- end }}
{{- end }}
kafka.bootstrap.servers={{ .Values.kafka.bootstrapServers }}
kafka.topic.submissions={{ .Values.kafka.topics.submissions }}
kafka.topic.rejects={{ .Values.kafka.topics.collectRejects }}
heartbeat.interval={{ $b.heartbeatInterval }}
http.listen=0.0.0.0:{{ int $b.http.port }}
{{- if $b.chainWatcher.enabled }}
chain.protocol.state.address={{ .Values.chain.protocolState }}
chain.confirmations={{ int $b.chainWatcher.confirmations }}
{{- if and (not (kindIs "invalid" $b.chainWatcher.startBlock)) (ne (toString $b.chainWatcher.startBlock) "") }}
chain.start.block={{ int64 $b.chainWatcher.startBlock }}
{{- end }}
chain.topic.protocol.chain={{ .Values.kafka.topics.protocolChain }}
chain.topic.slots={{ .Values.kafka.topics.slots }}
{{- end }}
{{- range $k, $v := $b.kafkaProducer }}
kafka.producer.{{ $k }}={{ $v }}
{{- end }}
{{- range $k, $v := $b.extraProperties }}
{{ $k }}={{ $v }}
{{- end }}
{{- end -}}

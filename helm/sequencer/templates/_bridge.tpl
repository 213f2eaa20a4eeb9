{{/* Mount points inside the bridge container. */}}
{{- define "sequencer.bridge.configDir" -}}/etc/bridge{{- end -}}
{{- define "sequencer.bridge.identityDir" -}}/var/run/secrets/powerloom/identity{{- end -}}

{{/*
Content of bridge.properties, in the keys of io.powerloom.sequencer.bridge.BridgeConfig (the one scheme of every
process, see docs/configuration.md). The chain RPC URL is not here: it comes as SEQUENCER_CHAIN_RPC_URL
(= sequencer.chain.rpc-url) from a Secret. The chain watcher runs when sequencer.chain-watcher.enabled is true.
*/}}
{{- define "sequencer.bridge.properties" -}}
{{- $b := .Values.bridge -}}
# rendered by the sequencer chart; sequencer.chain.rpc-url comes from SEQUENCER_CHAIN_RPC_URL
sequencer.bridge.id={{ include "sequencer.bridge.id" . }}
sequencer.libp2p.listen=/ip4/0.0.0.0/tcp/{{ int $b.libp2p.port }}
sequencer.libp2p.identity-key-file={{ include "sequencer.bridge.identityDir" . }}/{{ $b.libp2p.identity.key }}
sequencer.libp2p.relays={{ join "," $b.libp2p.relays }}
sequencer.collect.max-message-bytes={{ $b.collect.maxMessageBytes }}
{{- with $b.libp2p.admission }}
{{- if not (kindIs "invalid" .maxConnections) }}
sequencer.libp2p.max-connections={{ int .maxConnections }}
{{- end }}
{{- if not (kindIs "invalid" .maxConnectionsPerIp) }}
sequencer.libp2p.max-connections-per-ip={{ int .maxConnectionsPerIp }}
{{- end }}
{{- if not (kindIs "invalid" .maxPendingHandshakesPerIp) }}
sequencer.libp2p.max-pending-handshakes-per-ip={{ int .maxPendingHandshakesPerIp }}
{{- end }}
{{- if not (kindIs "invalid" .idleConnectionTimeout) }}
sequencer.libp2p.idle-connection-timeout={{ .idleConnectionTimeout }}
{{- end }}
{{- if not (kindIs "invalid" .maxQueuedBytesPerConnection) }}
sequencer.libp2p.max-queued-bytes-per-connection={{ .maxQueuedBytesPerConnection }}
{{- end }}
{{- end }}
{{- if not (kindIs "invalid" $b.collect.maxStreamsPerIp) }}
sequencer.collect.max-streams-per-ip={{ int $b.collect.maxStreamsPerIp }}
{{- end }}
{{- with $b.gossip }}
sequencer.gossip.enabled={{ .enabled }}
{{- if .enabled }}
{{- if not (kindIs "invalid" .topicPrefix) }}
sequencer.gossip.topic-prefix={{ .topicPrefix }}
{{- end }}
sequencer.gossip.bootstrap-peers={{ join "," .bootstrapPeers }}
{{- if not (kindIs "invalid" .rendezvous) }}
sequencer.gossip.rendezvous={{ .rendezvous }}
{{- end }}
{{- if not (kindIs "invalid" .maxPeers) }}
sequencer.gossip.max-peers={{ int .maxPeers }}
{{- end }}
{{- end }}
{{- end }}
sequencer.kafka.bootstrap-servers={{ .Values.kafka.bootstrapServers }}
sequencer.kafka.topics.submissions={{ .Values.kafka.topics.submissions }}
sequencer.kafka.topics.bridge-rejects={{ .Values.kafka.topics.collectRejects }}
sequencer.bridge.heartbeat-interval={{ $b.heartbeatInterval }}
sequencer.bridge.http-listen=0.0.0.0:{{ int $b.http.port }}
sequencer.chain-watcher.enabled={{ $b.chainWatcher.enabled }}
{{- if $b.chainWatcher.enabled }}
sequencer.chain.protocol-state={{ .Values.chain.protocolState }}
sequencer.chain-watcher.confirmations={{ int $b.chainWatcher.confirmations }}
{{- if and (not (kindIs "invalid" $b.chainWatcher.startBlock)) (ne (toString $b.chainWatcher.startBlock) "") }}
sequencer.chain-watcher.start-block={{ int64 $b.chainWatcher.startBlock }}
{{- end }}
sequencer.kafka.topics.protocol-chain={{ .Values.kafka.topics.protocolChain }}
sequencer.kafka.topics.slots={{ .Values.kafka.topics.slots }}
{{- end }}
{{- range $k, $v := $b.kafkaProducer }}
sequencer.kafka.producer.{{ $k }}={{ $v }}
{{- end }}
{{- range $k, $v := $b.extraProperties }}
{{ $k }}={{ $v }}
{{- end }}
{{- end -}}

{{/* Mount points inside the bridge container. */}}
{{- define "sequencer.bridge.configDir" -}}/etc/bridge{{- end -}}
{{- define "sequencer.bridge.identityDir" -}}/var/run/secrets/powerloom/identity{{- end -}}

{{/* Content of bridge.properties (keys as read by io.powerloom.sequencer.bridge.IngestBridge). */}}
{{- define "sequencer.bridge.properties" -}}
{{- $b := .Values.bridge -}}
# rendered by the sequencer chart; the chain RPC URL comes from SEQUENCER_BRIDGE_CHAIN_RPC_URL
bridge.id={{ include "sequencer.bridge.id" . }}
libp2p.listen=/ip4/0.0.0.0/tcp/{{ int $b.libp2p.port }}
libp2p.identity-key-file={{ include "sequencer.bridge.identityDir" . }}/{{ $b.libp2p.identity.key }}
libp2p.relays={{ join "," $b.libp2p.relays }}
collect.max-message-bytes={{ int $b.collect.maxMessageBytes }}
kafka.bootstrap-servers={{ .Values.kafka.bootstrapServers }}
kafka.topics.submissions={{ .Values.kafka.topics.submissions }}
kafka.topics.rejects={{ .Values.kafka.topics.collectRejects }}
heartbeat.interval={{ $b.heartbeatInterval }}
chain.protocol-state={{ .Values.chain.protocolState }}
{{- if not (kindIs "invalid" $b.chainWatcher.startBlock) }}{{ if ne (toString $b.chainWatcher.startBlock) "" }}
chain.start-block={{ int64 $b.chainWatcher.startBlock }}
{{- end }}{{ end }}
chain.confirmations={{ int $b.chainWatcher.confirmations }}
http.port={{ int $b.http.port }}
{{- end -}}

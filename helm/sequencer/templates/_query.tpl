{{/* Mount points inside the query service container (docker/query-service/Dockerfile). */}}
{{- define "sequencer.query.configDir" -}}/etc/query-service{{- end -}}
{{- define "sequencer.query.stateDir" -}}/var/lib/query-service{{- end -}}

{{/*
Content of query.properties, in the keys of io.powerloom.sequencer.query.QueryConfig. Tokens are not here: they come
as SEQUENCER_QUERY_AUTH_* variables from a Secret (query.extraEnv); http.advertised is the pod's address, set from
the pod IP. The accounting topics keep the service's defaults (protocol Topics).
*/}}
{{- define "sequencer.query.properties" -}}
{{- $q := .Values.query -}}
# rendered by the sequencer chart; tokens come from SEQUENCER_QUERY_AUTH_* variables
kafka.bootstrap.servers={{ .Values.kafka.bootstrapServers }}
kafka.application.id={{ default (include "sequencer.query.name" .) $q.applicationId }}
kafka.partitions={{ int $q.partitions }}
kafka.topic.submissions={{ .Values.kafka.topics.submissions }}
kafka.topic.protocol-chain={{ .Values.kafka.topics.protocolChain }}
kafka.topic.finalized={{ .Values.kafka.topics.finalized }}
kafka.topic.batches={{ .Values.kafka.topics.batches }}
kafka.topic.rejected={{ .Values.kafka.topics.rejected }}
kafka.topic.bridge-rejects={{ .Values.kafka.topics.collectRejects }}
state.dir={{ include "sequencer.query.stateDir" . }}
http.listen=0.0.0.0:{{ int $q.http.port }}
retention.days={{ int $q.retentionDays }}
{{- range $k, $v := $q.extraProperties }}
{{ $k }}={{ $v }}
{{- end }}
{{- end -}}

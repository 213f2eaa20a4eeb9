{{/* Mount points inside the query service container (docker/query-service/Dockerfile). */}}
{{- define "sequencer.query.configDir" -}}/etc/query-service{{- end -}}
{{- define "sequencer.query.stateDir" -}}/var/lib/query-service{{- end -}}

{{/*
Content of query.properties, in the keys of io.powerloom.sequencer.query.QueryConfig (the one scheme of every
process, see docs/configuration.md). Tokens are not here: they come as SEQUENCER_QUERY_AUTH_* variables from a Secret
(query.extraEnv); sequencer.query.http-advertised is the pod's address, set from the pod IP. The accounting topics keep the service's defaults (protocol Topics).
*/}}
{{- define "sequencer.query.properties" -}}
{{- $q := .Values.query -}}
# rendered by the sequencer chart; tokens come from SEQUENCER_QUERY_AUTH_* variables
sequencer.kafka.bootstrap-servers={{ .Values.kafka.bootstrapServers }}
sequencer.query.application-id={{ default (include "sequencer.query.name" .) $q.applicationId }}
sequencer.query.partitions={{ int $q.partitions }}
sequencer.kafka.topics.submissions={{ .Values.kafka.topics.submissions }}
sequencer.kafka.topics.protocol-chain={{ .Values.kafka.topics.protocolChain }}
sequencer.kafka.topics.finalized={{ .Values.kafka.topics.finalized }}
sequencer.kafka.topics.batches={{ .Values.kafka.topics.batches }}
sequencer.kafka.topics.rejected={{ .Values.kafka.topics.rejected }}
sequencer.kafka.topics.bridge-rejects={{ .Values.kafka.topics.collectRejects }}
sequencer.query.state-dir={{ include "sequencer.query.stateDir" . }}
sequencer.query.http-listen=0.0.0.0:{{ int $q.http.port }}
sequencer.query.retention-days={{ int $q.retentionDays }}
{{- range $k, $v := $q.extraProperties }}
{{ $k }}={{ $v }}
{{- end }}
{{- end -}}

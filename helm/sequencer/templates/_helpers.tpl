{{/*
Names, labels, image references, secret names and the checks on required values.
Every template takes its names from here so that a rename happens in one place.
*/}}

{{/* Chart name, overridable with global.nameOverride. */}}
{{- define "sequencer.name" -}}
{{- default .Chart.Name .Values.global.nameOverride | trunc 63 | trimSuffix "-" -}}
{{- end -}}

{{/* Full name prefix of every resource: <release>-<chart> unless the release name already contains the chart name. */}}
{{- define "sequencer.fullname" -}}
{{- if .Values.global.fullnameOverride -}}
{{- .Values.global.fullnameOverride | trunc 45 | trimSuffix "-" -}}
{{- else -}}
{{- $name := include "sequencer.name" . -}}
{{- if contains $name .Release.Name -}}
{{- .Release.Name | trunc 45 | trimSuffix "-" -}}
{{- else -}}
{{- printf "%s-%s" .Release.Name $name | trunc 45 | trimSuffix "-" -}}
{{- end -}}
{{- end -}}
{{- end -}}

{{/* Name of the FlinkDeployment (the operator derives the JobManager Deployment and Services from it). */}}
{{- define "sequencer.job.name" -}}
{{- include "sequencer.fullname" . -}}
{{- end -}}

{{/* Name of the bridge Deployment and its Services' prefix. */}}
{{- define "sequencer.bridge.name" -}}
{{- printf "%s-bridge" (include "sequencer.fullname" .) -}}
{{- end -}}

{{/* Bridge id in Kafka records and heartbeats. */}}
{{- define "sequencer.bridge.id" -}}
{{- default (include "sequencer.bridge.name" .) .Values.bridge.id -}}
{{- end -}}

{{/* chart label value */}}
{{- define "sequencer.chart" -}}
{{- printf "%s-%s" .Chart.Name .Chart.Version | replace "+" "_" | trunc 63 | trimSuffix "-" -}}
{{- end -}}

{{/*
Selector labels of one component. Call with (dict "root" $ "component" "bridge").
*/}}
{{- define "sequencer.selectorLabels" -}}
app.kubernetes.io/name: {{ include "sequencer.name" .root }}
app.kubernetes.io/instance: {{ .root.Release.Name }}
app.kubernetes.io/component: {{ .component }}
{{- end -}}

{{/*
All labels of one component. Call with (dict "root" $ "component" "bridge").
*/}}
{{- define "sequencer.labels" -}}
helm.sh/chart: {{ include "sequencer.chart" .root }}
{{ include "sequencer.selectorLabels" . }}
app.kubernetes.io/version: {{ .root.Chart.AppVersion | quote }}
app.kubernetes.io/managed-by: {{ .root.Release.Service }}
app.kubernetes.io/part-of: powerloom-sequencer
{{- with .root.Values.global.commonLabels }}
{{ toYaml . }}
{{- end }}
{{- end -}}

{{/*
Image reference of a pinned image. Call with (dict "root" $ "image" .Values.images.job "what" "images.job").
Fails on an empty or floating ("latest") tag.
*/}}
{{- define "sequencer.image" -}}
{{- $tag := toString (required (printf "%s.tag is required (a pinned image tag)" .what) .image.tag) -}}
{{- if eq $tag "latest" -}}
{{- fail (printf "%s.tag must be a pinned version, not \"latest\"" .what) -}}
{{- end -}}
{{- printf "%s%s:%s" .root.Values.images.registry (required (printf "%s.repository is required" .what) .image.repository) $tag -}}
{{- end -}}

{{/* Secret holding the chain RPC URL (chart-rendered or existing). */}}
{{- define "sequencer.chain.secretName" -}}
{{- if .Values.chain.rpcUrl.existingSecret -}}
{{- .Values.chain.rpcUrl.existingSecret -}}
{{- else -}}
{{- printf "%s-chain" (include "sequencer.fullname" .) -}}
{{- end -}}
{{- end -}}

{{/* Secret holding the signer key files (chart-rendered or existing). */}}
{{- define "sequencer.signers.secretName" -}}
{{- if .Values.job.signerKeys.existingSecret -}}
{{- .Values.job.signerKeys.existingSecret -}}
{{- else -}}
{{- printf "%s-signers" (include "sequencer.fullname" .) -}}
{{- end -}}
{{- end -}}

{{/* Names of the signer key files, sorted: the keys listed for an existing Secret, else the inline names. */}}
{{- define "sequencer.signers.keyNames" -}}
{{- if .Values.job.signerKeys.existingSecret -}}
{{- join "," .Values.job.signerKeys.keys -}}
{{- else -}}
{{- join "," (keys .Values.job.signerKeys.inline | sortAlpha) -}}
{{- end -}}
{{- end -}}

{{/* Secret holding the bridge's libp2p identity key (chart-rendered or existing). */}}
{{- define "sequencer.bridge.identitySecretName" -}}
{{- if .Values.bridge.libp2p.identity.existingSecret -}}
{{- .Values.bridge.libp2p.identity.existingSecret -}}
{{- else -}}
{{- printf "%s-identity" (include "sequencer.bridge.name" .) -}}
{{- end -}}
{{- end -}}

{{/* Service account of the Flink pods. */}}
{{- define "sequencer.job.serviceAccountName" -}}
{{- required "job.serviceAccount.name is required" .Values.job.serviceAccount.name -}}
{{- end -}}

{{/* Whether anything reads the protocol chain: the job, or the bridge's chain watcher. */}}
{{- define "sequencer.needsChain" -}}
{{- if or .Values.job.enabled (and .Values.bridge.enabled .Values.bridge.chainWatcher.enabled) -}}true{{- end -}}
{{- end -}}

{{/*
Checks on values shared by the job and the bridge. Renders nothing; fails with a message that names the value.
*/}}
{{- define "sequencer.validate.common" -}}
{{- $_ := required "kafka.bootstrapServers is required (host:port list of the existing Kafka cluster)" .Values.kafka.bootstrapServers -}}
{{- if include "sequencer.needsChain" . -}}
{{- $addr := required "chain.protocolState is required (protocol-state contract address)" .Values.chain.protocolState -}}
{{- if not (regexMatch "^0x[0-9a-fA-F]{40}$" $addr) -}}
{{- fail (printf "chain.protocolState must be an address (0x + 40 hex digits), got %q" $addr) -}}
{{- end -}}
{{- if and .Values.chain.rpcUrl.value .Values.chain.rpcUrl.existingSecret -}}
{{- fail "chain.rpcUrl: set either value or existingSecret, not both" -}}
{{- end -}}
{{- if not (or .Values.chain.rpcUrl.value .Values.chain.rpcUrl.existingSecret) -}}
{{- fail "chain.rpcUrl is required: set chain.rpcUrl.value or chain.rpcUrl.existingSecret" -}}
{{- end -}}
{{- end -}}
{{- end -}}

{{/* Checks on the job's values. */}}
{{- define "sequencer.validate.job" -}}
{{- include "sequencer.validate.common" . -}}
{{- $_ := required "chain.id is required (chain id of the protocol chain)" .Values.chain.id -}}
{{- if not .Values.chain.dataMarkets -}}
{{- fail "chain.dataMarkets is required: at least one data market contract address" -}}
{{- end -}}
{{- range .Values.chain.dataMarkets -}}
{{- if not (regexMatch "^0x[0-9a-fA-F]{40}$" .) -}}
{{- fail (printf "chain.dataMarkets: %q is not an address (0x + 40 hex digits)" .) -}}
{{- end -}}
{{- end -}}
{{- $_ := required "ipfs.apiUrl is required (Kubo RPC API base URL)" .Values.ipfs.apiUrl -}}
{{- $cp := required "job.checkpoints.dir is required (durable object storage, e.g. s3://bucket/sequencer/checkpoints)" .Values.job.checkpoints.dir -}}
{{- $sp := required "job.savepoints.dir is required (durable object storage, e.g. s3://bucket/sequencer/savepoints)" .Values.job.savepoints.dir -}}
{{- if hasPrefix "file:" $cp -}}
{{- fail "job.checkpoints.dir must be durable object storage (s3://, gs://, abfss://...), not a local file path" -}}
{{- end -}}
{{- if hasPrefix "file:" $sp -}}
{{- fail "job.savepoints.dir must be durable object storage (s3://, gs://, abfss://...), not a local file path" -}}
{{- end -}}
{{- if .Values.job.highAvailability.enabled -}}
{{- $_ := required "job.highAvailability.storageDir is required when high availability is enabled (e.g. s3://bucket/sequencer/ha)" .Values.job.highAvailability.storageDir -}}
{{- else -}}
{{- if eq .Values.job.upgradeMode "last-state" -}}
{{- fail "job.upgradeMode last-state needs job.highAvailability.enabled=true (the operator finds the last checkpoint through HA metadata)" -}}
{{- end -}}
{{- if gt (int .Values.job.jobManager.replicas) 1 -}}
{{- fail "job.jobManager.replicas > 1 needs job.highAvailability.enabled=true" -}}
{{- end -}}
{{- end -}}
{{- if not (has .Values.job.upgradeMode (list "last-state" "savepoint" "stateless")) -}}
{{- fail (printf "job.upgradeMode must be last-state, savepoint or stateless, got %q" .Values.job.upgradeMode) -}}
{{- end -}}
{{- if not (has .Values.job.anchor.mode (list "commit" "audit" "none")) -}}
{{- fail (printf "job.anchor.mode must be commit, audit or none, got %q" .Values.job.anchor.mode) -}}
{{- end -}}
{{- if lt (int .Values.job.parallelism) 1 -}}
{{- fail "job.parallelism must be at least 1" -}}
{{- end -}}
{{- if and .Values.job.signerKeys.existingSecret .Values.job.signerKeys.inline -}}
{{- fail "job.signerKeys: set either inline or existingSecret, not both" -}}
{{- end -}}
{{- if .Values.job.signerKeys.existingSecret -}}
{{- if not .Values.job.signerKeys.keys -}}
{{- fail "job.signerKeys.keys is required with job.signerKeys.existingSecret: list the key names of that Secret to mount" -}}
{{- end -}}
{{- else if not .Values.job.signerKeys.inline -}}
{{- fail "job.signerKeys is required: set job.signerKeys.existingSecret (+ keys) or job.signerKeys.inline" -}}
{{- end -}}
{{- end -}}

{{/* Checks on the bridge's values. */}}
{{- define "sequencer.validate.bridge" -}}
{{- include "sequencer.validate.common" . -}}
{{- $id := .Values.bridge.libp2p.identity -}}
{{- if and $id.keyBase64 $id.existingSecret -}}
{{- fail "bridge.libp2p.identity: set either keyBase64 or existingSecret, not both" -}}
{{- end -}}
{{- if not (or $id.keyBase64 $id.existingSecret) -}}
{{- fail "bridge.libp2p.identity is required: set bridge.libp2p.identity.existingSecret or bridge.libp2p.identity.keyBase64 (the libp2p private key file)" -}}
{{- end -}}
{{- if not (has .Values.bridge.service.type (list "LoadBalancer" "NodePort" "ClusterIP")) -}}
{{- fail (printf "bridge.service.type must be LoadBalancer, NodePort or ClusterIP, got %q" .Values.bridge.service.type) -}}
{{- end -}}
{{- end -}}

{{/* Name of the query service's Deployment, Service and ConfigMap. */}}
{{- define "sequencer.query.name" -}}
{{- printf "%s-query" (include "sequencer.fullname" .) -}}
{{- end -}}

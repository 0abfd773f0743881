{{/*
Names. Kubernetes names are at most 63 characters; every helper truncates BEFORE adding a suffix so the
suffix (which tells the components apart) always survives.
*/}}

{{/* The chart's name, or nameOverride. */}}
{{- define "joblane.name" -}}
{{- default .Chart.Name .Values.nameOverride | trunc 63 | trimSuffix "-" }}
{{- end }}

{{/* Release-qualified base name; the release name alone when it already contains the chart name. */}}
{{- define "joblane.fullname" -}}
{{- if .Values.fullnameOverride }}
{{- .Values.fullnameOverride | trunc 63 | trimSuffix "-" }}
{{- else }}
{{- $name := default .Chart.Name .Values.nameOverride }}
{{- if contains $name .Release.Name }}
{{- .Release.Name | trunc 63 | trimSuffix "-" }}
{{- else }}
{{- printf "%s-%s" .Release.Name $name | trunc 63 | trimSuffix "-" }}
{{- end }}
{{- end }}
{{- end }}

{{/* fullname-<suffix>, the base truncated so the whole stays within 63 characters. Call with (list . "suffix"). */}}
{{- define "joblane.suffixed" -}}
{{- $root := index . 0 -}}
{{- $suffix := index . 1 }}
{{- $base := include "joblane.fullname" $root | trunc (int (sub 62 (len $suffix))) | trimSuffix "-" }}
{{- printf "%s-%s" $base $suffix }}
{{- end }}

{{- define "joblane.webhook.fullname" -}}{{ include "joblane.suffixed" (list . "webhook") }}{{- end }}
{{- define "joblane.webhookLanes.fullname" -}}{{ include "joblane.suffixed" (list . "webhook-lanes") }}{{- end }}
{{- define "joblane.scaler.fullname" -}}{{ include "joblane.suffixed" (list . "scaler") }}{{- end }}
{{- define "joblane.certs.fullname" -}}{{ include "joblane.suffixed" (list . "certs") }}{{- end }}
{{- define "joblane.certsHook.fullname" -}}{{ include "joblane.suffixed" (list . "certs-hook") }}{{- end }}
{{- define "joblane.cleanup.fullname" -}}{{ include "joblane.suffixed" (list . "cleanup") }}{{- end }}
{{- define "joblane.scheduler.fullname" -}}{{ include "joblane.suffixed" (list . "packing-scheduler") }}{{- end }}
{{- define "joblane.config.fullname" -}}{{ include "joblane.suffixed" (list . "config") }}{{- end }}

{{/* The Secret holding the webhook's serving certificate (tls.crt, tls.key, ca.crt). */}}
{{- define "joblane.webhook.tlsSecretName" -}}
{{- if and (eq .Values.certificates.mode "provided") .Values.certificates.provided.existingSecret }}
{{- .Values.certificates.provided.existingSecret }}
{{- else }}
{{- include "joblane.suffixed" (list . "webhook-tls") }}
{{- end }}
{{- end }}

{{/* The MutatingWebhookConfiguration (cluster-scoped; Helm refuses a second release that would take it over). */}}
{{/*
The Kubernetes version the templates decide by: `kubeVersion` when set, else the cluster's (helm install/upgrade,
or `helm template --kube-version`). Plain `helm template` assumes a default version that may be far older than the
cluster, silently dropping version-gated settings (matchConditions, preStop sleep): set one of the two there.
*/}}
{{- define "joblane.kubeVersion" -}}
{{- default .Capabilities.KubeVersion.Version .Values.kubeVersion }}
{{- end }}

{{/*
The failurePolicy the chart renders: Ignore while a Job of the chart still has to patch the CA in (hook and provided
modes; the patch then sets webhook.failurePolicy), the configured policy when cert-manager injects the CA.
*/}}
{{- define "joblane.webhook.renderedFailurePolicy" -}}
{{- if eq .Values.certificates.mode "certManager" }}{{ .Values.webhook.failurePolicy }}{{ else }}Ignore{{ end }}
{{- end }}

{{- define "joblane.webhook.configurationName" -}}
{{- include "joblane.webhook.fullname" . }}
{{- end }}

{{- define "joblane.scaler.leaseName" -}}
{{- default (include "joblane.scaler.fullname" .) .Values.scaler.leaderElection.leaseName }}
{{- end }}

{{- define "joblane.scaler.statusConfigMapName" -}}
{{- default (include "joblane.suffixed" (list . "scaler-status")) .Values.scaler.statusConfigMap }}
{{- end }}

{{/* A component's ServiceAccount; call with (list . "valuesKey") or (list . "valuesKey" "name-suffix"). */}}
{{- define "joblane.serviceAccountName" -}}
{{- $root := index . 0 -}}
{{- $component := index . 1 }}
{{- $suffix := $component }}
{{- if gt (len .) 2 }}{{ $suffix = index . 2 }}{{ end }}
{{- $sa := index $root.Values $component "serviceAccount" }}
{{- if $sa.create }}
{{- default (include "joblane.suffixed" (list $root $suffix)) $sa.name }}
{{- else }}
{{- default "default" $sa.name }}
{{- end }}
{{- end }}

{{/* Common labels. */}}
{{- define "joblane.labels" -}}
helm.sh/chart: {{ printf "%s-%s" .Chart.Name .Chart.Version | replace "+" "_" | trunc 63 | trimSuffix "-" }}
app.kubernetes.io/name: {{ include "joblane.name" . }}
app.kubernetes.io/instance: {{ .Release.Name }}
app.kubernetes.io/version: {{ .Chart.AppVersion | quote }}
app.kubernetes.io/managed-by: {{ .Release.Service }}
app.kubernetes.io/part-of: joblane
{{- with .Values.commonLabels }}
{{ toYaml . }}
{{- end }}
{{- end }}

{{/* Labels of one component, call with (list . "webhook"). */}}
{{- define "joblane.componentLabels" -}}
{{ include "joblane.labels" (index . 0) }}
app.kubernetes.io/component: {{ index . 1 }}
{{- end }}

{{/* Selector labels of one component, call with (list . "webhook"); never change across upgrades. */}}
{{- define "joblane.selectorLabels" -}}
{{- $root := index . 0 -}}
app.kubernetes.io/name: {{ include "joblane.name" $root }}
app.kubernetes.io/instance: {{ $root.Release.Name }}
app.kubernetes.io/component: {{ index . 1 }}
{{- end }}

{{/* An image reference; call with (list . .Values.webhook.image). The tag defaults to the chart's appVersion. */}}
{{- define "joblane.image" -}}
{{- $root := index . 0 -}}
{{- $image := index . 1 }}
{{- if $image.digest }}
{{- printf "%s@%s" $image.repository $image.digest }}
{{- else }}
{{- printf "%s:%s" $image.repository (default $root.Chart.AppVersion $image.tag) }}
{{- end }}
{{- end }}

{{/*
Keeps Joblane's own pods off the dedicated Job nodes: those nodes come and go with the scaler (a webhook
or scaler replica there would be evicted by scale-in and, for the scaler, could block its own node's removal).
*/}}
{{- define "joblane.avoidJobNodes" -}}
nodeAffinity:
  requiredDuringSchedulingIgnoredDuringExecution:
    nodeSelectorTerms:
      - matchExpressions:
          - key: joblane.io/node-group
            operator: DoesNotExist
{{- end }}

{{/* Affinity: the chart's nodeAffinity plus the user's pod (anti-)affinity. Call with (list . .Values.webhook.affinity). */}}
{{- define "joblane.affinity" -}}
{{ include "joblane.avoidJobNodes" (index . 0) }}
{{- with (index . 1) }}
{{ toYaml . }}
{{- end }}
{{- end }}

{{/* Topology spread constraints with the component's selector filled in. Call with (list . "webhook" constraints). */}}
{{- define "joblane.topologySpread" -}}
{{- $root := index . 0 -}}
{{- $component := index . 1 }}
{{- range (index . 2) }}
- {{ toYaml (omit . "labelSelector" "matchLabelKeys") | nindent 2 | trim }}
  labelSelector:
    matchLabels:
      {{- include "joblane.selectorLabels" (list $root $component) | nindent 6 }}
  matchLabelKeys:
    - pod-template-hash
{{- end }}
{{- end }}

{{/* The restricted container securityContext shared by Joblane's own containers. */}}
{{- define "joblane.containerSecurityContext" -}}
{{- toYaml .Values.containerSecurityContext }}
{{- end }}

{{/* Dry-run when either the chart switch or the file's own setting asks for it. */}}
{{- define "joblane.scaler.dryRun" -}}
{{- $file := dig "scaler" "dryRun" false (.Values.config | toYaml | fromYaml) }}
{{- or .Values.scaler.dryRun $file }}
{{- end }}

{{/* The AWS region: scaler.aws.region, else the file's scaler.aws.region. */}}
{{- define "joblane.scaler.awsRegion" -}}
{{- default (dig "scaler" "aws" "region" "" (.Values.config | toYaml | fromYaml)) .Values.scaler.aws.region }}
{{- end }}

{{/* The node-group file, exactly as both processes read it. */}}
{{- define "joblane.configFile" -}}
{{- $config := deepCopy .Values.config }}
{{- $scaler := default dict $config.scaler }}
{{- $_ := set $scaler "dryRun" (include "joblane.scaler.dryRun" . | eq "true") }}
{{- $aws := default dict $scaler.aws }}
{{- if .Values.scaler.aws.region }}
{{- $_ := set $aws "region" .Values.scaler.aws.region }}
{{- end }}
{{- if $aws }}
{{- $_ := set $scaler "aws" $aws }}
{{- end }}
{{- $_ := set $config "scaler" $scaler }}
{{- toYaml $config }}
{{- end }}

{{/*
CEL for the webhook's matchConditions: admit only pods that the webhook could treat as Job pods, so the API
server never calls it for the rest of the cluster. It must be a superset of the webhook's own detection
(a Job owner, the Job controller's labels, the configured extra owner kinds and label keys); the webhook
then decides precisely. `has()` guards keep it from erroring (an error would apply the failurePolicy).
*/}}
{{- define "joblane.webhook.jobPodExpression" -}}
{{- $kinds := list "Job" }}
{{- range .Values.config.webhook.jobOwners }}
{{- $kinds = append $kinds .kind }}
{{- end }}
{{- $labels := list "batch.kubernetes.io/job-name" "job-name" }}
{{- range .Values.config.webhook.jobLabels }}
{{- $labels = append $labels .key }}
{{- end }}
{{- $kindTests := list }}
{{- range ($kinds | uniq) }}
{{- $kindTests = append $kindTests (printf "r.kind == '%s'" .) }}
{{- end }}
{{- $labelTests := list }}
{{- range ($labels | uniq) }}
{{- $labelTests = append $labelTests (printf "'%s' in object.metadata.labels" .) }}
{{- end }}
{{- printf "(has(object.metadata.ownerReferences) && object.metadata.ownerReferences.exists(r, %s)) || (has(object.metadata.labels) && (%s))" (join " || " $kindTests) (join " || " $labelTests) }}
{{- end }}

{{/* Fails the render with a readable message on combinations the schema cannot express. */}}
{{- define "joblane.validate" -}}
{{- $defaults := 0 }}
{{- range .Values.config.nodeGroups }}{{ if .default }}{{ $defaults = add1 $defaults }}{{ end }}{{ end }}
{{- if ne (int $defaults) 1 }}
{{- fail (printf "config.nodeGroups: exactly one group must have default: true (found %d)" (int $defaults)) }}
{{- end }}
{{- /* What the schema cannot say and the processes refuse at start (ConfigLoader), said here at install time. */}}
{{- $names := dict }}
{{- $asgs := dict }}
{{- range $i, $g := .Values.config.nodeGroups }}
{{- if hasKey $names $g.name }}
{{- fail (printf "config.nodeGroups[%d].name: %q is used by another group" $i $g.name) }}
{{- end }}
{{- $_ := set $names $g.name true }}
{{- $taints := dict }}
{{- range $t, $taint := $g.taints }}
{{- $key := printf "%s:%s" $taint.key $taint.effect }}
{{- if hasKey $taints $key }}
{{- fail (printf "config.nodeGroups[%d].taints[%d]: duplicate taint %s" $i $t $key) }}
{{- end }}
{{- $_ := set $taints $key true }}
{{- end }}
{{- with $g.scaling }}
{{- if and (hasKey . "minNodes") (hasKey . "maxNodes") (gt (int .minNodes) (int .maxNodes)) }}
{{- fail (printf "config.nodeGroups[%d].scaling.minNodes: must not exceed maxNodes" $i) }}
{{- end }}
{{- if .autoScalingGroup }}
{{- if hasKey $asgs .autoScalingGroup }}
{{- fail (printf "config.nodeGroups[%d].scaling.autoScalingGroup: %q is already used by nodeGroups[%v]" $i .autoScalingGroup (get $asgs .autoScalingGroup)) }}
{{- end }}
{{- $_ := set $asgs .autoScalingGroup $i }}
{{- end }}
{{- end }}
{{- end }}
{{- range .Values.config.nodeGroups }}
{{- if and .schedulerName (eq .schedulerName $.Values.packingScheduler.schedulerName) (not $.Values.packingScheduler.enabled) }}
{{- fail (printf "nodeGroups %q uses schedulerName %q but packingScheduler.enabled is false: its pods would stay Pending forever" .name .schedulerName) }}
{{- end }}
{{- end }}
{{- if and (eq .Values.certificates.mode "provided") (not .Values.certificates.provided.existingSecret) }}
{{- if not (and .Values.certificates.provided.cert .Values.certificates.provided.key .Values.certificates.provided.ca) }}
{{- fail "certificates.mode=provided needs certificates.provided.existingSecret, or all of certificates.provided.cert, .key and .ca" }}
{{- end }}
{{- end }}
{{- end }}

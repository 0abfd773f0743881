{{/* Flags shared by `certs create` and `certs rotate`. */}}
{{- define "joblane.certs.createArgs" -}}
- --service={{ include "joblane.webhook.fullname" . }}
- --namespace={{ .Release.Namespace }}
- --secret-name={{ include "joblane.webhook.tlsSecretName" . }}
- --key-algorithm={{ .Values.certificates.keyAlgorithm }}
- --ca-validity={{ .Values.certificates.caValidity }}
- --validity={{ .Values.certificates.validity }}
- --renew-before={{ .Values.certificates.renewBefore }}
- --log-format={{ .Values.logFormat }}
- --log-level={{ .Values.logLevel }}
{{- end }}

{{/* The rest of a certs container, after its name and args. */}}
{{- define "joblane.certs.container" -}}
image: {{ include "joblane.image" (list . .Values.certificates.image) }}
imagePullPolicy: {{ .Values.certificates.image.pullPolicy }}
{{- with .Values.certificates.javaOptions }}
env:
  - name: JAVA_TOOL_OPTIONS
    value: {{ . | quote }}
{{- end }}
resources:
  {{- toYaml .Values.certificates.resources | nindent 2 }}
securityContext:
  {{- include "joblane.containerSecurityContext" . | nindent 2 }}
volumeMounts:
  - name: tmp
    mountPath: /tmp
{{- end }}

{{/* The pod-level settings of a certs Job, after its containers. */}}
{{- define "joblane.certs.podSpec" -}}
restartPolicy: OnFailure
{{- with .Values.imagePullSecrets }}
imagePullSecrets:
  {{- toYaml . | nindent 2 }}
{{- end }}
securityContext:
  {{- toYaml .Values.podSecurityContext | nindent 2 }}
affinity:
  {{- include "joblane.avoidJobNodes" . | nindent 2 }}
volumes:
  - name: tmp
    emptyDir:
      sizeLimit: 16Mi
{{- end }}

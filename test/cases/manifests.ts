/** @module Small YAML builders for hand-written test manifests (a running pod with one address). */

/** A running pod in `ns` with the given labels (a YAML flow map), address and container ports. */
export const podYaml = (ns: string, name: string, labels: string, ip: string, ports = '[]') => `---
apiVersion: v1
kind: Pod
metadata: {name: ${name}, namespace: ${ns}, labels: ${labels}}
spec: {containers: [{name: c, image: x, ports: ${ports}}]}
status: {phase: Running, podIP: ${ip}, podIPs: [{ip: ${ip}}]}
`;

/**
 * @module Pods: the few fields that decide network policy (labels, container ports, hostNetwork,
 * pod and host IPs), validated as pkg/apis/core/validation does for those fields. Everything else
 * in a pod is ignored, so real `kubectl get pods -o yaml` output reads as it is.
 */
import type { ContainerPort, Protocol } from '../model/bundle.js';
import { PROTOCOLS } from '../model/bundle.js';
import { formatIP, isIPv4Mapped, parseIP } from '../net/ip.js';
import type { Field } from './field.js';
import { isValidPortName, isValidPortNumber } from '../model/k8s-names.js';
import { LIMITS } from './limits.js';

export interface PodSpecFacts {
  readonly hostNetwork: boolean;
  readonly ports: readonly ContainerPort[];
}

/**
 * Reads a PodSpec (a Pod's `spec` or a workload template's `spec`). Named ports resolve against
 * spec.containers and the sidecars among initContainers (restartPolicy: Always), as upstream's
 * podutil.FindPort does since sidecar containers arrived; port names are unique per container,
 * as validateContainerPorts checks them.
 */
export function decodePodSpec(spec: Field): PodSpecFacts {
  const hostNetwork = spec.child('hostNetwork').boolean() ?? false;
  const ports: ContainerPort[] = [];
  const sidecars = (spec.child('initContainers').list() ?? []).filter((c) => c.child('restartPolicy').value === 'Always');
  for (const container of [...(spec.child('containers').list() ?? []), ...sidecars]) {
    const seenNames = new Set<string>();
    for (const portField of container.child('ports').list() ?? []) {
      if (ports.length >= LIMITS.maxPortsPerPod) {
        portField.report('error', 'limit', `more than ${LIMITS.maxPortsPerPod} container ports in one pod`);
        return { hostNetwork, ports };
      }
      const port = decodeContainerPort(portField, seenNames);
      if (port) ports.push(port);
    }
  }
  return { hostNetwork, ports };
}

function decodeContainerPort(field: Field, seenNames: Set<string>): ContainerPort | undefined {
  if (!field.mapping()) return undefined;
  const numberField = field.child('containerPort');
  const port = numberField.int32();
  if (numberField.absent) numberField.required();
  else if (port !== undefined) for (const problem of isValidPortNumber(port)) numberField.invalid(problem);

  const protocolField = field.child('protocol');
  const protocol = (protocolField.string() ?? 'TCP') as Protocol;
  if (!PROTOCOLS.includes(protocol)) protocolField.notSupported(PROTOCOLS);

  const nameField = field.child('name');
  const name = nameField.string();
  if (name !== undefined) {
    for (const problem of isValidPortName(name)) nameField.invalid(problem);
    if (seenNames.has(name)) nameField.report('error', 'duplicate', `Duplicate value: ${JSON.stringify(name)}`);
    seenNames.add(name);
  }
  if (port === undefined || isValidPortNumber(port).length > 0 || !PROTOCOLS.includes(protocol)) return undefined;
  return name === undefined || name === '' ? { protocol, port } : { name, protocol, port };
}

export interface PodStatusFacts {
  readonly ips: readonly string[];
  readonly hostIPs: readonly string[];
  /** Succeeded and Failed pods have released their IPs. */
  readonly terminated: boolean;
}

export function decodePodStatus(status: Field): PodStatusFacts {
  const phase = status.child('phase').string();
  return {
    ips: readIPs(status, 'podIP', 'podIPs'),
    hostIPs: readIPs(status, 'hostIP', 'hostIPs'),
    terminated: phase === 'Succeeded' || phase === 'Failed',
  };
}

/** `podIPs: [{ip}]` when present (primary first), else the single `podIP`; canonical text. */
function readIPs(status: Field, singleName: string, listName: string): string[] {
  const ips: string[] = [];
  const add = (field: Field): void => {
    const text = field.string();
    if (text === undefined || text === '') return;
    const ip = parseIP(text);
    if (!ip) {
      field.invalid('must be a valid IP address, (e.g. 10.9.8.7 or 2001:db8::ffff)');
      return;
    }
    if (isIPv4Mapped(ip)) {
      field.invalid('must not be an IPv4-mapped IPv6 address');
      return;
    }
    const canonical = formatIP(ip);
    if (!ips.includes(canonical)) ips.push(canonical);
  };
  const list = status.child(listName).list();
  if (list && list.length > 0) {
    for (const entry of list) add(entry.child('ip'));
    // Upstream requires podIPs[0] == podIP; a snapshot that disagrees is ambiguous.
    const single = status.child(singleName);
    const singleText = single.string();
    const singleIP = singleText ? parseIP(singleText) : undefined;
    if (singleIP && ips.length > 0 && formatIP(singleIP) !== ips[0]) {
      single.invalid(`must match the first entry of status.${listName}`);
    }
  } else {
    add(status.child(singleName));
  }
  return ips;
}

/**
 * @module Kubernetes' name and value checks, each returning the problems found (empty = valid).
 * Transcribed in behaviour (not code) from k8s.io/apimachinery/pkg/util/validation/validation.go;
 * the messages say the same things upstream's do.
 */

const QUALIFIED_NAME_PART = /^([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9]$/;
const DNS1123_LABEL = /^[a-z0-9]([-a-z0-9]*[a-z0-9])?$/;
const DNS1123_SUBDOMAIN = /^[a-z0-9]([-a-z0-9]*[a-z0-9])?(\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*$/;
const PORT_NAME_CHARS = /^[-a-z0-9]+$/;
const HAS_LETTER = /[a-z]/;

export const LABEL_VALUE_MAX_LENGTH = 63;
const QUALIFIED_NAME_MAX_LENGTH = 63;
const DNS1123_LABEL_MAX_LENGTH = 63;
const DNS1123_SUBDOMAIN_MAX_LENGTH = 253;
const PORT_NAME_MAX_LENGTH = 15;

/** A label key or selector key: `[prefix/]name`, prefix a DNS subdomain. */
export function isQualifiedName(value: string): string[] {
  const problems: string[] = [];
  const parts = value.split('/');
  let name: string;
  if (parts.length === 1) {
    name = parts[0]!;
  } else if (parts.length === 2) {
    const [prefix, rest] = parts as [string, string];
    name = rest;
    if (prefix.length === 0) problems.push('prefix part must be non-empty');
    else for (const p of isDNS1123Subdomain(prefix)) problems.push(`prefix part ${p}`);
  } else {
    return [
      "a qualified name must consist of alphanumeric characters, '-', '_' or '.', and must start and end " +
        "with an alphanumeric character, with an optional DNS subdomain prefix and '/' (e.g. 'example.com/MyName')",
    ];
  }
  if (name.length === 0) problems.push('name part must be non-empty');
  else if (name.length > QUALIFIED_NAME_MAX_LENGTH) {
    problems.push(`name part must be no more than ${QUALIFIED_NAME_MAX_LENGTH} characters`);
  }
  if (name.length > 0 && !QUALIFIED_NAME_PART.test(name)) {
    problems.push(
      "name part must consist of alphanumeric characters, '-', '_' or '.', and must start and end with an " +
        "alphanumeric character (e.g. 'MyName', or 'my.name', or '123-abc')",
    );
  }
  return problems;
}

export function isValidLabelValue(value: string): string[] {
  const problems: string[] = [];
  if (value.length > LABEL_VALUE_MAX_LENGTH) {
    problems.push(`must be no more than ${LABEL_VALUE_MAX_LENGTH} characters`);
  }
  if (value.length > 0 && !QUALIFIED_NAME_PART.test(value)) {
    problems.push(
      "a valid label must be an empty string or consist of alphanumeric characters, '-', '_' or '.', and " +
        "must start and end with an alphanumeric character (e.g. 'MyValue', or 'my_value', or '12345')",
    );
  }
  return problems;
}

/** Namespace names. */
export function isDNS1123Label(value: string): string[] {
  const problems: string[] = [];
  if (value.length > DNS1123_LABEL_MAX_LENGTH) {
    problems.push(`must be no more than ${DNS1123_LABEL_MAX_LENGTH} characters`);
  }
  if (!DNS1123_LABEL.test(value)) {
    problems.push(
      "a lowercase RFC 1123 label must consist of lower case alphanumeric characters or '-', and must " +
        "start and end with an alphanumeric character (e.g. 'my-name', or '123-abc')",
    );
  }
  return problems;
}

/** Names of pods, policies and workloads; label key prefixes. */
export function isDNS1123Subdomain(value: string): string[] {
  const problems: string[] = [];
  if (value.length > DNS1123_SUBDOMAIN_MAX_LENGTH) {
    problems.push(`must be no more than ${DNS1123_SUBDOMAIN_MAX_LENGTH} characters`);
  }
  if (!DNS1123_SUBDOMAIN.test(value)) {
    problems.push(
      "a lowercase RFC 1123 subdomain must consist of lower case alphanumeric characters, '-' or '.', and " +
        "must start and end with an alphanumeric character (e.g. 'example.com')",
    );
  }
  return problems;
}

/** An IANA_SVC_NAME: container port names and named ports in policies. */
export function isValidPortName(value: string): string[] {
  const problems: string[] = [];
  if (value.length > PORT_NAME_MAX_LENGTH) problems.push(`must be no more than ${PORT_NAME_MAX_LENGTH} characters`);
  if (!PORT_NAME_CHARS.test(value)) {
    problems.push('must contain only alpha-numeric characters (a-z, 0-9), and hyphens (-)');
  }
  if (value.includes('--')) problems.push('must not contain consecutive hyphens');
  if (value.length > 0 && !HAS_LETTER.test(value)) problems.push('must contain at least one letter (a-z)');
  if (value.startsWith('-') || value.endsWith('-')) problems.push('must not begin or end with a hyphen');
  return problems;
}

export function isValidPortNumber(value: number): string[] {
  return Number.isInteger(value) && value >= 1 && value <= 65535 ? [] : ['must be between 1 and 65535, inclusive'];
}

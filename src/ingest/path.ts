/** @module Field paths, printed as kubectl prints them: `spec.ingress[0].ports[1].endPort`. */

export type PathSegment = string | number;

export function formatPath(path: readonly PathSegment[]): string {
  let text = '';
  for (const segment of path) {
    if (typeof segment === 'number') text += `[${segment}]`;
    else text += text === '' ? segment : `.${segment}`;
  }
  return text;
}

import { describe, expect, it } from 'vitest';
import { formatState, parseState } from './state.js';
import { parseEndpointInput } from './model/flow-form.js';

describe('page state in the URL', () => {
  it('defaults to the demo bundle, its active version and the matrix', () => {
    expect(parseState('')).toMatchObject({ bundle: 'demo', version: null, view: 'matrix', focus: null, expand: [], flow: null });
    expect(parseState('?view=nonsense').view).toBe('matrix');
  });

  it('round-trips every field', () => {
    const state = parseState('?bundle=prod&version=sha256:ab&view=graph&focus=ns1/web&from=sha256:cd&filter=web&labels=app%3Dweb%2Ctier%20in%20(a%2Cb)&expand=ns1,ns2');
    expect(state).toMatchObject({ bundle: 'prod', version: 'sha256:ab', view: 'graph', focus: 'ns1/web', from: 'sha256:cd', filter: 'web', labels: 'app=web,tier in (a,b)', expand: ['ns1', 'ns2'] });
    expect(parseState(formatState(state))).toEqual(state);
    const explain = parseState('?view=explain&src=ns2/search&dst=10.0.0.1&protocol=UDP&port=53');
    expect(explain.flow).toEqual({ src: 'ns2/search', dst: '10.0.0.1', protocol: 'UDP', port: '53' });
    expect(parseState(formatState(explain))).toEqual(explain);
  });
});

describe('explain form endpoints', () => {
  it('takes names, IPs (IPv6 too) and namespace:labels', () => {
    expect(parseEndpointInput(' ns1/web ', 'source')).toBe('ns1/web');
    expect(parseEndpointInput('fd00::1', 'source')).toBe('fd00::1');
    expect(parseEndpointInput('ns1:app=web, tier=frontend', 'source')).toEqual({ namespace: 'ns1', labels: { app: 'web', tier: 'frontend' } });
    expect(parseEndpointInput('ns1:', 'source')).toEqual({ namespace: 'ns1', labels: {} });
    expect(() => parseEndpointInput('ns1:app=web,oops', 'source')).toThrow('source: "oops" is not key=value');
    expect(() => parseEndpointInput('  ', 'destination')).toThrow('destination: required');
  });
});

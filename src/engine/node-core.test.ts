import { describe, expect, it } from 'vitest';
import { compileBuiltModule, loadCoreModule } from './node-core.js';

describe('compileBuiltModule', () => {
  it('compiles the built modules from core-as/build/', () => {
    const exportsOf = (module: WebAssembly.Module) => WebAssembly.Module.exports(module).map((e) => e.name);
    expect(exportsOf(compileBuiltModule('hubble.wasm', 'the Hubble scanner'))).toContain('scan');
    expect(exportsOf(compileBuiltModule('rows.wasm', 'the CSV and VPC row reader'))).toContain('readLines');
    expect(exportsOf(compileBuiltModule('netpol.wasm', 'the WASM core'))).toEqual(exportsOf(loadCoreModule()));
  });

  it('names the module and both places looked in when neither holds the file', () => {
    expect(() => compileBuiltModule('absent.wasm', 'the absent scanner')).toThrow(
      /^the absent scanner is not built \(\/\S*\/src\/engine\/absent\.wasm and \/\S*\/core-as\/build\/absent\.wasm are missing\): run npm run build:wasm$/,
    );
  });
});

import { describe, expect, it } from 'vitest';
import { loadConfig } from '../../../src/config/load.js';

describe('network settings: --regions, --public-url, --trust-proxy, --tls-*', () => {
  it('reads flags and environment variables, flags first', () => {
    const config = loadConfig({
      env: { TROVE_REGIONS: 'lab-1', TROVE_TRUST_PROXY: '10.0.0.0/8, ::1', TROVE_TLS_CERT: '/env/cert.pem', TROVE_TLS_KEY: '/env/key.pem' },
      flags: { regions: 'lab-east-1,lab-west-2', 'public-url': 'https://trove.example.com:8443/' },
    });
    expect(config).toMatchObject({
      regions: ['lab-east-1', 'lab-west-2'], trustProxy: ['10.0.0.0/8', '::1'],
      tls: { certFile: '/env/cert.pem', keyFile: '/env/key.pem' }, publicUrl: 'https://trove.example.com:8443',
    });
    const defaults = loadConfig({});
    expect(defaults).toMatchObject({ regions: [], trustProxy: [], tls: {} });
    expect(defaults.publicUrl).toBeUndefined();
  });

  it('refuses what cannot be meant, naming the setting', () => {
    expect(() => loadConfig({ flags: { regions: 'us-east-1,US_EAST' } })).toThrow(/^--regions \/ TROVE_REGIONS: not a region name .*: US_EAST$/);
    expect(() => loadConfig({ flags: { 'public-url': 'https://trove.example.com/trove' } })).toThrow(/--public-url .*without a path/);
    expect(() => loadConfig({ flags: { 'public-url': 'ftp://trove.example.com' } })).toThrow(/--public-url .*not http/);
    expect(() => loadConfig({ flags: { 'public-url': 'trove.example.com' } })).toThrow(/--public-url .*not a URL/);
    expect(() => loadConfig({ flags: { 'trust-proxy': '10.0.0.0/33' } })).toThrow(/--trust-proxy .*10\.0\.0\.0\/33/);
    expect(() => loadConfig({ flags: { 'trust-proxy': 'proxy.internal' } })).toThrow(/--trust-proxy .*proxy\.internal/);
    expect(loadConfig({ flags: { 'trust-proxy': 'loopback,fd00::/8' } }).trustProxy).toEqual(['loopback', 'fd00::/8']);
  });
});

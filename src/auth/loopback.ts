import { isIP } from 'node:net';

/**
 * True for an address only this machine can reach: 127.0.0.0/8, ::1 (and its IPv4-mapped
 * form), or `localhost`. `0.0.0.0` and `::` listen on every interface, so they are not.
 */
export function isLoopbackHost(host: string): boolean {
  const bare = host.startsWith('[') && host.endsWith(']') ? host.slice(1, -1) : host;
  if (bare === 'localhost') return true;
  if (isIP(bare) === 4) return bare.startsWith('127.');
  if (isIP(bare) === 6) return bare === '::1' || /^(0{0,4}:){0,5}:?ffff:127\./i.test(bare) || bare === '0:0:0:0:0:0:0:1';
  return false;
}

import { Webhook } from 'standardwebhooks';
import { checkTargetUrl, isPublicAddress } from './ssrf-guard';
import { generateWebhookSecret, legacySignature, standardSignature } from './webhook-signature';

describe('webhook signatures', () => {
  it('should match the Standard Webhooks reference vector', () => {
    const secret = 'whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw';
    const body = '{"test": 2432232314}';
    expect(standardSignature(secret, 'msg_p5jXN8AQM9LWM0D4loKWxJek', 1614265330, body)).toBe(
      'v1,g0hM9SsE+OTPJTGt/tmIKtSyZlE3uFJELVlNIOLJ1OE=',
    );
  });

  it('should verify with the standardwebhooks library', () => {
    const secret = generateWebhookSecret();
    expect(secret).toMatch(/^whsec_[A-Za-z0-9+/]{43}=$/);
    const body = JSON.stringify({ id: 'evt_1', data: { a: 1 } });
    const ts = Math.floor(Date.now() / 1000);
    const headers = {
      'webhook-id': 'evt_1',
      'webhook-timestamp': String(ts),
      'webhook-signature': standardSignature(secret, 'evt_1', ts, body),
    };
    expect(new Webhook(secret).verify(body, headers)).toEqual({ id: 'evt_1', data: { a: 1 } });
    expect(legacySignature('s', 'b')).toMatch(/^sha256=[0-9a-f]{64}$/);
  });
});

describe('SSRF literal checks', () => {
  it('should refuse loopback, private, link-local and metadata literals in every spelling', () => {
    for (const url of [
      'http://127.0.0.1/',
      'http://[::1]/',
      'http://0.0.0.0/',
      'http://169.254.169.254/latest',
      'http://10.0.0.1/',
      'http://192.168.1.5/',
      'http://172.16.0.1/',
      'http://100.64.0.1/',
      'http://[::ffff:127.0.0.1]/',
      'http://[fc00::1]/',
      'http://[fe80::1]/',
      'http://2130706433/',
      'http://0177.0.0.1/',
      'http://0x7f.1/',
      'http://localhost:8080/',
      'http://api.localhost/',
      'http://localhost./',
      'http://api.localhost./x',
      'file:///etc/passwd',
      'ftp://example.com/',
      'http://user:pass@example.com/',
      'not a url',
    ]) {
      expect([url, checkTargetUrl(url, [])]).toEqual([url, expect.any(String)]);
    }
  });

  it('should accept public hosts and allow-listed private ones', () => {
    expect(checkTargetUrl('https://hooks.example.com/in', [])).toBeNull();
    expect(checkTargetUrl('http://93.184.216.34/in', [])).toBeNull();
    expect(checkTargetUrl('http://127.0.0.1:9000/in', ['127.0.0.1'])).toBeNull();
    expect(isPublicAddress('8.8.8.8')).toBe(true);
    expect(isPublicAddress('::ffff:10.0.0.1')).toBe(false);
  });
});

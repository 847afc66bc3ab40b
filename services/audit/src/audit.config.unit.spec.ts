import { ConfigError } from '@vanguard/infra-config';
import { auditConfig } from './audit.config';

describe(auditConfig.name, () => {
  const saved = { ...process.env };
  afterEach(() => {
    process.env = { ...saved };
  });

  it.each(['abc', '-5', '0.0001'])('auditConfig_WhenTheCheckpointIntervalIs%p_RefusesNamingIt', (raw) => {
    process.env['VANGUARD_CHECKPOINT_INTERVAL_SEC'] = raw;

    expect(() => auditConfig()).toThrow(ConfigError);
    expect(() => auditConfig()).toThrow(/^VANGUARD_CHECKPOINT_INTERVAL_SEC must be a whole number/);
  });

  it('auditConfig_WhenTheCheckpointIntervalIsZero_PublishesOnlyOnDemand', () => {
    process.env['VANGUARD_CHECKPOINT_INTERVAL_SEC'] = '0';

    expect(auditConfig().checkpointIntervalMs).toBe(0);
  });

  it('auditConfig_WhenTheCheckpointRelayIsOff_PublishesNoCheckpoint', () => {
    delete process.env['AUDIT_CHECKPOINT_RELAY'];
    expect(auditConfig().checkpointRelay).toBe(true);

    process.env['AUDIT_CHECKPOINT_RELAY'] = 'off';
    expect(auditConfig().checkpointRelay).toBe(false);
    // The test database's config never publishes, whatever the variable says.
    process.env['AUDIT_CHECKPOINT_RELAY'] = 'on';
    expect(auditConfig(undefined, 'test').checkpointRelay).toBe(false);
  });

  it('auditConfig_WhenPortIsEmpty_ListensOnTheServicesOwnPort', () => {
    process.env['PORT'] = '';

    expect(auditConfig().port).toBe(3006);
  });
});

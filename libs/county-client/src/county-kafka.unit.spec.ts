import { countyKafkaConfig, countyKafkaConnection } from './county-kafka';

const infra = { kafkaBrokers: ['127.0.0.1:9092'], kafkaSaslBrokers: ['127.0.0.1:9094'] };

describe('the county’s Kafka connection', () => {
  it('without a SASL mechanism it is the platform’s PLAINTEXT listener, no identity', () => {
    expect(countyKafkaConnection('county-hekou', {}, {}, infra)).toEqual({ brokers: ['127.0.0.1:9092'] });
  });

  it('with SCRAM it signs in as its client id with the development password on the SASL listener', () => {
    const c = countyKafkaConnection('county-hekou', {}, { COUNTY_KAFKA_SASL_MECHANISM: 'SCRAM-SHA-512' }, infra);
    expect(c).toEqual({
      brokers: ['127.0.0.1:9094'],
      sasl: { mechanism: 'scram-sha-512', username: 'county-hekou', password: 'county-hekou-demo-secret' },
    });
    expect(countyKafkaConfig('county-hekou', c)).toMatchObject({ sasl: c.sasl, brokers: c.brokers });
  });

  it('flags win over the environment; a CA file implies TLS', () => {
    const env = {
      COUNTY_KAFKA_SASL_MECHANISM: 'plain',
      COUNTY_KAFKA_USERNAME: 'env-user',
      COUNTY_KAFKA_PASSWORD: 'p',
      COUNTY_KAFKA_BROKERS: 'a:1',
    };
    const c = countyKafkaConnection(
      'county-hekou',
      { saslMechanism: 'scram-sha-256', username: 'flag-user', brokers: 'b:1,c:2', caFile: '/ca.pem' },
      env,
      infra,
    );
    expect(c).toEqual({
      brokers: ['b:1', 'c:2'],
      sasl: { mechanism: 'scram-sha-256', username: 'flag-user', password: 'p' },
      ssl: { caFile: '/ca.pem' },
    });
    expect(countyKafkaConnection('county-hekou', {}, { COUNTY_KAFKA_SSL: '1' }, infra).ssl).toEqual({});
  });

  it('refuses a mechanism kafkajs does not speak, naming the ones it does', () => {
    expect(() => countyKafkaConnection('county-hekou', { saslMechanism: 'gssapi' }, {}, infra)).toThrow(/scram-sha-512/);
  });
});

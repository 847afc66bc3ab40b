// One mapping of domain refusals to HTTP answers for every service (libs/http).
export { DomainErrorInterceptor } from '@vanguard/http';

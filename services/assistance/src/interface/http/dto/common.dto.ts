// The platform's one day rule (libs/http), under the name this service's DTOs import.
export { IsDay } from '@vanguard/http';

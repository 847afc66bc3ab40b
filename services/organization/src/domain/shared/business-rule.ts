// The kernel shared by every domain (libs/kernel); kept here so the organization domain's imports read locally.
export { BusinessRuleViolation, checkRule, type BusinessRule } from '@vanguard/kernel';

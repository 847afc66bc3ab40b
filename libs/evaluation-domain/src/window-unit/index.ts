export * from './window-unit.commands';
export * from './window-unit.events';
export * from './window-unit.rules';
export * from './window-unit.state';
export { windowUnitDecider, windowUnitStream } from './window-unit.decide';

export * from './tenants';
export * from './profiles';
export * from './activities';
export * from './events';
export * from './scores';
export * from './segments';
export * from './staff';

export * from './sentinel-description';
export * from './sentinel-admin';
export * from './master-switch.watch';

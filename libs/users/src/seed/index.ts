export * from './seed-users';

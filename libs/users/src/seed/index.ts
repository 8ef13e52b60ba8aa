export * from './seed-users';
export * from './first-start-seeder.service';

export * from './create-user.dto';
export * from './update-user.dto';
export * from './user-response.dto';
export * from './page-query.dto';
export * from './user-id-param.dto';

import { Inject } from '@nestjs/common';

/** The application chaos breaks and watches (an AppUnderTest the app provides). */
export const APP_UNDER_TEST = Symbol('APP_UNDER_TEST');
export const InjectAppUnderTest = (): ParameterDecorator => Inject(APP_UNDER_TEST);

/** The driver for local processes (the managed redis-server, a test's mariadbd). */
export const PROCESS_CHAOS_DRIVER = Symbol('PROCESS_CHAOS_DRIVER');
export const InjectProcessChaosDriver = (): ParameterDecorator => Inject(PROCESS_CHAOS_DRIVER);

/** The driver for labelled Docker containers. */
export const DOCKER_CHAOS_DRIVER = Symbol('DOCKER_CHAOS_DRIVER');
export const InjectDockerChaosDriver = (): ParameterDecorator => Inject(DOCKER_CHAOS_DRIVER);

/** The fault proxy between the app and Redis, or null when it is off. */
export const CHAOS_PROXY = Symbol('CHAOS_PROXY');
export const InjectChaosProxy = (): ParameterDecorator => Inject(CHAOS_PROXY);

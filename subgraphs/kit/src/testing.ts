/**
 * `@vartija/kit/testing`: the entry point for tests and the benchmark only. No product entry point
 * imports it (a test checks the built bundles).
 */
export { attachTestingSeams as withTestingSeams, type TestingSeams } from './testing-seams';

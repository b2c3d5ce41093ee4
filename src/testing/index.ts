// nestjs-smpp/testing: SmppModule against the SMSC simulator, for an application's tests.
export { SmppTestingModule, type SmppTestingModuleOptions } from './smpp-testing.module.js';
export { SimulatorHandle, type SubmitMatch, type TestMo } from './simulator-handle.js';
export { SmscSimulator } from '../simulator/index.js';
export type {
  ReceiptRule,
  SmscSimulatorOptions,
  SubmitRecord,
  MoRequest,
  MoResult,
} from '../simulator/index.js';

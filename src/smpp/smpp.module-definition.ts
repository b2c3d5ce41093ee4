import { ConfigurableModuleBuilder } from '@nestjs/common';
import type { SmppModuleOptions } from './config/smpp-options.interface.js';

export const {
  ConfigurableModuleClass: SmppConfigurableModule,
  MODULE_OPTIONS_TOKEN: SMPP_MODULE_OPTIONS,
  OPTIONS_TYPE: SMPP_OPTIONS_TYPE,
  ASYNC_OPTIONS_TYPE: SMPP_ASYNC_OPTIONS_TYPE,
} = new ConfigurableModuleBuilder<SmppModuleOptions>()
  .setClassMethodName('forRoot')
  .setFactoryMethodName('createSmppOptions')
  .setExtras({ isGlobal: false }, (definition, extras) => ({
    ...definition,
    global: extras.isGlobal,
  }))
  .build();

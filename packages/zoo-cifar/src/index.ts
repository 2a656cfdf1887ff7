/**
 * @wus/zoo-cifar — the CIFAR-sized convolutional networks the WUS paper evaluates: AlexNet,
 * VGG-11/16 with batch norm and ResNet-18, as model plugins.
 */
import type { Plugin } from '@wus/core';
import { alexnetPlugin } from './alexnet/alexnet.js';
import { resnet18Plugin } from './resnet/resnet18.js';
import { vgg11Plugin, vgg16Plugin } from './vgg/vgg.js';

export { alexnetPlugin, buildAlexnet } from './alexnet/alexnet.js';
export { buildResnet18, resnet18Plugin } from './resnet/resnet18.js';
export { VGG_CONFIGS, buildVgg, buildVgg11, buildVgg16, vgg11Plugin, vgg16Plugin, type VggName } from './vgg/vgg.js';

/** The models this zoo registers. */
export const plugins: Plugin[] = [alexnetPlugin, vgg11Plugin, vgg16Plugin, resnet18Plugin];
export default plugins;

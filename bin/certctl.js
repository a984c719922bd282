#!/usr/bin/env node
import { run } from '../dist/bundle/entry.js';

run();

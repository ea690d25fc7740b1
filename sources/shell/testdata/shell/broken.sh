#!/bin/sh
exec /x/a
if then
exec /x/b

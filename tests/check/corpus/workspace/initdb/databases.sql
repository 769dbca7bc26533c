CREATE DATABASE ordering_test;
CREATE DATABASE payments;
CREATE DATABASE payments_test;
CREATE DATABASE shipping_test;

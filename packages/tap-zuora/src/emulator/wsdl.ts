import type { FieldType, ObjectDef } from './objects.js';

// The emulator's WSDL (Zuora's layout: calls in http://api.zuora.com/, objects in http://object.api.zuora.com/,
// faults in http://fault.api.zuora.com/), served at `{soap path}?wsdl`. Object types are written from the catalogue,
// fields in catalogue order, since SOAP clients must keep the WSDL's order.

export const SOAP_PATH = '/apps/services/a/91.0';

const XSD: Record<FieldType, string> = {
  text: 'string',
  picklist: 'string',
  boolean: 'boolean',
  integer: 'int',
  decimal: 'decimal',
  date: 'date',
  datetime: 'dateTime',
  blob: 'string',
};

function objectType(o: ObjectDef): string {
  const fields = o.fields
    .filter((f) => f.name !== 'Id' && f.contexts.includes('soap'))
    .map((f) => `            <element minOccurs="0" name="${f.name}" nillable="true" type="${XSD[f.type]}"/>`)
    .join('\n');
  return `      <complexType name="${o.name}">
        <complexContent>
          <extension base="ons:zObject">
            <sequence>
${fields}
            </sequence>
          </extension>
        </complexContent>
      </complexType>`;
}

const FAULTS = [
  'ApiFault',
  'LoginFault',
  'InvalidQueryLocatorFault',
  'MalformedQueryFault',
  'InvalidTypeFault',
  'InvalidValueFault',
  'UnexpectedErrorFault',
];
const OPS = ['login', 'query', 'queryMore'];

export function renderWsdl(objects: readonly ObjectDef[], location: string): string {
  const faultTypes = FAULTS.map((f) =>
    f === 'ApiFault'
      ? ''
      : `      <complexType name="${f}"><complexContent><extension base="fns:ApiFault"/></complexContent></complexType>\n      <element name="${f}" type="fns:${f}"/>`,
  ).join('\n');
  const messages = OPS.map(
    (op) => `  <message name="${op}Request"><part element="zns:${op}" name="parameters"/></message>
  <message name="${op}Response"><part element="zns:${op}Response" name="parameters"/></message>`,
  ).join('\n');
  const faultMessages = FAULTS.filter((f) => f !== 'ApiFault')
    .map((f) => `  <message name="${f}"><part element="fns:${f}" name="fault"/></message>`)
    .join('\n');
  const opFaults = (op: string) =>
    op === 'login'
      ? ['LoginFault', 'UnexpectedErrorFault']
      : op === 'query'
        ? ['MalformedQueryFault', 'InvalidQueryLocatorFault', 'UnexpectedErrorFault']
        : ['InvalidQueryLocatorFault', 'UnexpectedErrorFault'];
  const portOps = OPS.map(
    (op) => `    <operation name="${op}">
      <input message="zns:${op}Request"/>
      <output message="zns:${op}Response"/>
${opFaults(op)
  .map((f) => `      <fault message="zns:${f}" name="${f}"/>`)
  .join('\n')}
    </operation>`,
  ).join('\n');
  const bindingOps = OPS.map(
    (op) => `    <operation name="${op}">
      <soap:operation soapAction=""/>
      <input>${op === 'login' ? '' : '<soap:header message="zns:Header" part="SessionHeader" use="literal"/>'}${op === 'query' ? '<soap:header message="zns:Header" part="QueryOptions" use="literal"/>' : ''}<soap:body parts="parameters" use="literal"/></input>
      <output><soap:body use="literal"/></output>
${opFaults(op)
  .map((f) => `      <fault name="${f}"><soap:fault name="${f}" use="literal"/></fault>`)
  .join('\n')}
    </operation>`,
  ).join('\n');
  return `<?xml version="1.0" encoding="UTF-8"?>
<definitions xmlns="http://schemas.xmlsoap.org/wsdl/" xmlns:soap="http://schemas.xmlsoap.org/wsdl/soap/"
    xmlns:xs="http://www.w3.org/2001/XMLSchema" xmlns:zns="http://api.zuora.com/"
    xmlns:ons="http://object.api.zuora.com/" xmlns:fns="http://fault.api.zuora.com/"
    targetNamespace="http://api.zuora.com/" name="ZuoraService">
  <types>
    <schema xmlns="http://www.w3.org/2001/XMLSchema" targetNamespace="http://object.api.zuora.com/" elementFormDefault="qualified">
      <import namespace="http://api.zuora.com/"/>
      <complexType name="zObject">
        <sequence>
          <element minOccurs="0" maxOccurs="unbounded" name="fieldsToNull" nillable="true" type="string"/>
          <element minOccurs="0" maxOccurs="1" name="Id" nillable="true" type="zns:ID"/>
        </sequence>
      </complexType>
${objects.map(objectType).join('\n')}
    </schema>
    <schema xmlns="http://www.w3.org/2001/XMLSchema" targetNamespace="http://api.zuora.com/" elementFormDefault="qualified">
      <import namespace="http://object.api.zuora.com/"/>
      <simpleType name="ID"><restriction base="string"><pattern value="[a-zA-Z0-9]{32}|\\d+"/></restriction></simpleType>
      <simpleType name="QueryLocator"><restriction base="string"/></simpleType>
      <complexType name="LoginResult">
        <sequence><element name="Session" type="string"/><element name="ServerUrl" type="string"/></sequence>
      </complexType>
      <complexType name="QueryResult">
        <sequence>
          <element name="done" type="boolean"/>
          <element name="queryLocator" nillable="true" type="zns:QueryLocator"/>
          <element name="records" minOccurs="0" maxOccurs="unbounded" type="ons:zObject"/>
          <element name="size" type="int"/>
        </sequence>
      </complexType>
      <element name="login"><complexType><sequence><element name="username" type="string"/><element name="password" type="string"/></sequence></complexType></element>
      <element name="loginResponse"><complexType><sequence><element name="result" type="zns:LoginResult"/></sequence></complexType></element>
      <element name="query"><complexType><sequence><element name="queryString" type="string"/></sequence></complexType></element>
      <element name="queryResponse"><complexType><sequence><element name="result" type="zns:QueryResult"/></sequence></complexType></element>
      <element name="queryMore"><complexType><sequence><element name="queryLocator" type="zns:QueryLocator"/></sequence></complexType></element>
      <element name="queryMoreResponse"><complexType><sequence><element name="result" type="zns:QueryResult"/></sequence></complexType></element>
      <element name="SessionHeader"><complexType><sequence><element name="session" type="string"/></sequence></complexType></element>
      <element name="QueryOptions"><complexType><sequence><element minOccurs="0" name="batchSize" type="int"/><element minOccurs="0" name="caseSensitive" type="boolean"/></sequence></complexType></element>
    </schema>
    <schema xmlns="http://www.w3.org/2001/XMLSchema" targetNamespace="http://fault.api.zuora.com/" elementFormDefault="qualified">
      <complexType name="ApiFault"><sequence><element name="FaultCode" type="string"/><element name="FaultMessage" type="string"/></sequence></complexType>
${faultTypes}
    </schema>
  </types>
  <message name="Header"><part element="zns:SessionHeader" name="SessionHeader"/><part element="zns:QueryOptions" name="QueryOptions"/></message>
${messages}
${faultMessages}
  <portType name="Soap">
${portOps}
  </portType>
  <binding name="SoapBinding" type="zns:Soap">
    <soap:binding style="document" transport="http://schemas.xmlsoap.org/soap/http"/>
${bindingOps}
  </binding>
  <service name="ZuoraService">
    <port binding="zns:SoapBinding" name="Soap"><soap:address location="${location}"/></port>
  </service>
</definitions>
`;
}
